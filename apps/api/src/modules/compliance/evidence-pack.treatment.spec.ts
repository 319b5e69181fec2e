import { riskHash } from '../use-cases/risk-acceptance.policy';
import type { Risk } from '../use-cases/risk-tier.policy';
import { impactAssessmentFile, risksFile, TreatmentRecords } from './evidence-pack.treatment';

const scope = { intendedUse: 'Route claims', stakeholders: [], inputs: ['claim'], outputs: ['route'] };
const risk: Risk = {
  id: 'r1',
  description: 'misrouting',
  category: 'fairness',
  severity: 3,
  likelihood: 3,
  mitigation: null,
  owner: 'Head of claims',
  residualSeverity: 2,
  residualLikelihood: 2,
  status: 'open',
  treatment: 'accept',
};
const acceptance = (of: Risk, id: string, at: string) => ({
  id,
  useCaseId: 'uc',
  riskId: of.id,
  riskHash: riskHash(of),
  severity: of.severity,
  useCaseRevision: 2,
  role: 'legal',
  decidedBy: 'u-legal',
  deciderName: 'Legal',
  comment: 'we live with it',
  decidedAt: new Date(at),
});
const decision = {
  id: 'd1',
  decision: 'approve',
  role: 'legal',
  decidedBy: 'u-legal',
  deciderName: 'Legal',
  comment: 'ok',
  revision: 1,
  contentHash: 'h1',
  templateVersion: 1,
  useCaseRevision: 2,
  scope,
  tier: 'limited',
  decidedAt: new Date('2026-01-02T00:00:00Z'),
};

function records(overrides: Partial<TreatmentRecords> = {}, content: Record<string, unknown> = { ...scope, risks: [risk] }, tier = 'limited'): TreatmentRecords {
  return { useCase: { revision: 3, contentHash: 'c3', tier, content }, assessment: null, revisions: [], decisions: [], acceptances: [], ...overrides };
}

const assessment = { id: 'a1', approvalId: 'd1', submittedBy: 'u-dev', submittedAt: new Date('2026-01-01T00:00:00Z'), submittedUseCaseRevision: 2, revision: 1, status: 'approved' };

describe('the evidence pack treatment files', () => {
  it('writes the standing none, and no assessment, for a use case without one', () => {
    expect(impactAssessmentFile('uc', records())).toEqual({
      useCase: { id: 'uc', revision: 3, contentHash: 'c3', tier: 'limited' },
      assessment: null,
      standing: { state: 'none', reasons: ['The use case has no impact assessment.'] },
    });
  });

  it('computes the standing against the use case as read: approved, then stale when its scope or tier moved', () => {
    const approved = impactAssessmentFile('uc', records({ assessment, decisions: [decision] }));
    expect(approved.standing).toEqual({ state: 'approved', reasons: [] });
    expect(approved.assessment?.approval).toBe(decision);
    expect(approved.assessment?.submitted).toEqual({ by: 'u-dev', at: assessment.submittedAt, useCaseRevision: 2 });
    const raised = impactAssessmentFile('uc', records({ assessment, decisions: [decision] }, { ...scope, risks: [risk] }, 'high'));
    expect(raised.standing).toEqual({ state: 'stale', reasons: ['The tier rose from limited to high since the impact assessment was approved.'] });
    const notApproved = impactAssessmentFile('uc', records({ assessment: { ...assessment, approvalId: null }, decisions: [] }));
    expect(notApproved.standing.state).toBe('not_approved');
  });

  it('refuses to write an assessment whose approval in force it did not read', () => {
    expect(() => impactAssessmentFile('uc', records({ assessment, decisions: [] }))).toThrow(/approval d1/);
  });

  it('shows each risk with the acceptance that covers it as it stands, and keeps every acceptance, the ones left behind too', () => {
    const edited = { ...risk, likelihood: 4 };
    const old = acceptance(risk, 'x1', '2026-01-01T00:00:00Z');
    const file = risksFile('uc', records({ acceptances: [old] }, { ...scope, risks: [edited] }));
    expect(file.risks).toEqual([{ ...edited, scoredOn: 'residual', score: 4, acceptance: null, awaitingAcceptance: true }]);
    expect(file.acceptances).toEqual([old]);
    const renewed = acceptance(edited, 'x2', '2026-01-03T00:00:00Z');
    expect(risksFile('uc', records({ acceptances: [old, renewed] }, { ...scope, risks: [edited] })).risks[0]).toMatchObject({ acceptance: renewed, awaitingAcceptance: false });
  });

  it('writes a null treatment, not a gap, for a risk recorded before treatments were', () => {
    const legacy = { id: 'r0', description: 'old', category: 'safety', severity: 2, likelihood: 3, mitigation: null, owner: null, residualSeverity: null, residualLikelihood: null, status: 'open' };
    expect(risksFile('uc', records({}, { ...scope, risks: [legacy] })).risks).toEqual([
      { ...legacy, treatment: null, scoredOn: 'inherent', score: 6, acceptance: null, awaitingAcceptance: false },
    ]);
  });
});
