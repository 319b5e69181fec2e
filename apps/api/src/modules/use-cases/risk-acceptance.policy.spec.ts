import { acceptedRiskIds, riskHash, risksAwaitingAcceptance, riskTreatments } from './risk-acceptance.policy';
import type { Risk } from './risk-tier.policy';

const risk = (overrides: Partial<Risk> = {}): Risk => ({
  id: 'r1',
  description: 'English only',
  category: 'transparency',
  severity: 2,
  likelihood: 2,
  mitigation: null,
  owner: 'ops lead',
  residualSeverity: null,
  residualLikelihood: null,
  status: 'open',
  treatment: 'accept',
  ...overrides,
});

describe('risk acceptance', () => {
  it('covers a risk as it stands: any field but its status changes the hash', () => {
    const base = riskHash(risk());
    expect(riskHash(risk({ status: 'closed' }))).toBe(base);
    for (const change of [{ description: 'x' }, { severity: 3 }, { likelihood: 1 }, { mitigation: 'm' }, { owner: 'o' }, { residualSeverity: 1, residualLikelihood: 1 }, { treatment: 'mitigate' as const }]) {
      expect(riskHash(risk(change))).not.toBe(base);
    }
    // A risk from before treatments were recorded hashes as one with no treatment.
    const { treatment: _treatment, ...legacy } = risk();
    expect(riskHash(legacy as Risk)).toBe(riskHash(risk({ treatment: null })));
  });

  it('awaits acceptance for risks treated by acceptance, or marked accepted by old data, that no acceptance covers', () => {
    const risks = [risk(), risk({ id: 'r2', treatment: 'mitigate' }), risk({ id: 'r3', treatment: null, status: 'accepted' }), risk({ id: 'r4', status: 'closed' })];
    expect(risksAwaitingAcceptance(risks, []).map((r) => r.id)).toEqual(['r1', 'r3']);
    expect(risksAwaitingAcceptance(risks, [{ riskId: 'r1', riskHash: riskHash(risks[0]) }]).map((r) => r.id)).toEqual(['r3']);
    // An acceptance of another version of the risk does not count.
    expect(acceptedRiskIds(risks, [{ riskId: 'r1', riskHash: riskHash(risk({ likelihood: 5 })) }])).toEqual(new Set());
  });

  it('says which scores the tier counts for each risk', () => {
    const [inherent, residual] = riskTreatments([risk(), risk({ id: 'r2', residualSeverity: 1, residualLikelihood: 2 })], []);
    expect(inherent).toMatchObject({ scoredOn: 'inherent', score: 4, awaitingAcceptance: true, acceptance: null });
    expect(residual).toMatchObject({ scoredOn: 'residual', score: 2 });
  });
});
