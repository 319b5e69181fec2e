import { CURRENT_ANNEX_A } from './annex-a-catalogue';
import { applySoaEdit, evidenceByControl, initialEntries, latestEvidenceAt } from './statement-of-applicability.policy';

describe('Statement of Applicability edits', () => {
  const entries = initialEntries(CURRENT_ANNEX_A);

  it('starts with every control applicable and not assessed', () => {
    expect(entries).toHaveLength(38);
    expect(entries.every((entry) => entry.applicable && entry.status === 'not_assessed')).toBe(true);
  });

  it('changes only the control and the members an edit names', () => {
    const applied = applySoaEdit(entries, 'A.6.2.4', { status: 'implemented', applicable: undefined });
    if ('errors' in applied) throw new Error('refused');
    expect(applied.entry).toEqual({ controlId: 'A.6.2.4', applicable: true, justification: null, status: 'implemented', ownerId: null });
    expect(applied.entries.filter((entry, index) => entry !== entries[index]).map((entry) => entry.controlId)).toEqual(['A.6.2.4']);
  });

  it('excludes a control only with a justification, and an excluded control has no status', () => {
    expect(applySoaEdit(entries, 'A.10.4', { applicable: false })).toEqual({ errors: [{ field: 'justification', detail: 'an excluded control needs a justification' }] });
    expect(applySoaEdit(entries, 'A.10.4', { applicable: false, justification: '   ' })).toHaveProperty('errors');
    const excluded = applySoaEdit(entries, 'A.10.4', { applicable: false, justification: 'No customers.', status: 'implemented' });
    expect(excluded).toMatchObject({ entry: { applicable: false, status: null } });
  });

  it('gives a control included again a status', () => {
    const excluded = applySoaEdit(entries, 'A.10.4', { applicable: false, justification: 'No customers.' });
    if ('errors' in excluded) throw new Error('refused');
    expect(applySoaEdit(excluded.entries, 'A.10.4', { applicable: true })).toMatchObject({ entry: { applicable: true, status: 'not_assessed' } });
  });

  it('refuses a control the catalogue does not have', () => {
    expect(applySoaEdit(entries, 'A.11.2', { status: 'planned' })).toHaveProperty('errors');
  });
});

describe('evidence by control', () => {
  const policy = {
    checklistItems: { 'design.define_use_case': { text: 't', guide: 'g', controls: ['A.9.4'] } },
    controls: { catalogue: 1, gates: { design_to_develop: ['A.6.2.2', 'A.9.4'] }, evidenceKinds: { impact_assessment: ['A.5.2'], test_report: ['A.6.2.4'] } },
  };
  const at = (iso: string) => new Date(iso);

  it('counts each mapped source once per control, and leaves out what never occurred', () => {
    const evidence = evidenceByControl(policy, {
      evidenceKinds: new Map([['impact_assessment', { count: 2, latestAt: at('2026-01-02T00:00:00Z') }], ['test_report', { count: 0, latestAt: null }]]),
      gates: new Map([['design_to_develop', { count: 1, latestAt: at('2026-03-01T00:00:00Z') }]]),
      checklistItems: new Map([['design.define_use_case', { count: 4, latestAt: at('2026-02-01T00:00:00Z') }]]),
    });
    expect(evidence.get('A.5.2')).toEqual([{ source: 'evidence_kind', name: 'impact_assessment', count: 2, latestAt: '2026-01-02T00:00:00.000Z' }]);
    expect(evidence.get('A.6.2.4')).toBeUndefined();
    expect(evidence.get('A.9.4')!.map((e) => e.source)).toEqual(['gate', 'checklist_item']);
    expect(latestEvidenceAt(evidence.get('A.9.4')!)).toBe('2026-03-01T00:00:00.000Z');
    expect(latestEvidenceAt([])).toBeNull();
  });

  it('shows nothing for a policy without a control mapping', () => {
    expect(evidenceByControl({ checklistItems: {} }, { evidenceKinds: new Map(), gates: new Map(), checklistItems: new Map() }).size).toBe(0);
  });
});
