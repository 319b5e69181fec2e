import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ANNEX_A_CATALOGUES, CURRENT_ANNEX_A, isAnnexAControl } from './annex-a-catalogue';

/** The reference list: docs/reference/iso42001-annex-a.md, a table row per control. */
function referenceControls(): { id: string; title: string }[] {
  const text = readFileSync(path.join(__dirname, '../../../../../docs/reference/iso42001-annex-a.md'), 'utf8');
  return [...text.matchAll(/^\| (A\.[0-9.]+) \| ([^|]+?) \|/gm)].map(([, id, title]) => ({ id, title }));
}

describe('the Annex A catalogue', () => {
  it('holds exactly the 38 controls of the reference list, in its order, with its short titles', () => {
    const reference = referenceControls();
    expect(reference).toHaveLength(38);
    expect(CURRENT_ANNEX_A.controls.map(({ id, title }) => ({ id, title }))).toEqual(reference);
  });

  it('numbers controls as the standard does: nine objectives A.2 to A.10, each starting at .2', () => {
    const objectives = [...new Set(CURRENT_ANNEX_A.controls.map((control) => control.objective))];
    expect(objectives).toEqual(['A.2', 'A.3', 'A.4', 'A.5', 'A.6', 'A.7', 'A.8', 'A.9', 'A.10']);
    expect(CURRENT_ANNEX_A.objectives.map((objective) => objective.id)).toEqual(objectives);
    for (const control of CURRENT_ANNEX_A.controls) expect(control.id.startsWith(`${control.objective}.`)).toBe(true);
    // No control is numbered .1: that is the objective itself (A.6.1 and A.6.2 are sub-objectives of A.6).
    expect(CURRENT_ANNEX_A.controls.filter((control) => /\.1$/.test(control.id))).toEqual([]);
    expect(new Set(CURRENT_ANNEX_A.controls.map((control) => control.id)).size).toBe(38);
  });

  it('marks the ten controls a gate workflow evidences by its own records as primary', () => {
    expect(CURRENT_ANNEX_A.controls.filter((control) => control.evidence === 'primary').map((control) => control.id)).toEqual([
      'A.3.2', 'A.5.2', 'A.5.3', 'A.6.1.3', 'A.6.2.2', 'A.6.2.4', 'A.6.2.5', 'A.9.2', 'A.9.4', 'A.10.2',
    ]);
  });

  it('versions are numbered from 1 without gaps, and a lookup knows only real controls', () => {
    expect(ANNEX_A_CATALOGUES.map((catalogue) => catalogue.version)).toEqual(ANNEX_A_CATALOGUES.map((_, index) => index + 1));
    expect(isAnnexAControl('A.6.2.4')).toBe(true);
    // The numbering secondary sources get wrong (A.11 does not exist; A.5.1 is an objective).
    expect(isAnnexAControl('A.11.2')).toBe(false);
    expect(isAnnexAControl('A.5.1')).toBe(false);
  });
});
