import { deriveTier, effectiveTier, Risk } from './risk-tier.policy';

type Scored = Pick<Risk, 'severity' | 'likelihood' | 'residualSeverity' | 'residualLikelihood' | 'status'>;
const risk = (severity: number, likelihood: number, residual?: [number, number], status: Risk['status'] = 'open'): Scored => ({
  severity,
  likelihood,
  residualSeverity: residual?.[0] ?? null,
  residualLikelihood: residual?.[1] ?? null,
  status,
});

describe('deriveTier', () => {
  it('is minimal with no risks', () => {
    expect(deriveTier([])).toBe('minimal');
  });

  it.each([
    [1, 1, 'minimal'], // score 1
    [1, 5, 'minimal'], // 5: just below limited
    [2, 3, 'limited'], // 6: the limited boundary
    [3, 2, 'limited'], // 6
    [2, 5, 'limited'], // 10
    [4, 3, 'limited'], // 12
    [3, 4, 'limited'], // 12: the highest score below high
    [3, 5, 'high'], // 15: the high boundary
    [5, 3, 'high'], // 15
    [4, 4, 'high'], // 16
    [5, 1, 'high'], // severity 5 is high at any likelihood
    [4, 1, 'minimal'], // severity 4 alone is not
  ] as const)('severity %i × likelihood %i → %s', (severity, likelihood, tier) => {
    expect(deriveTier([risk(severity, likelihood)])).toBe(tier);
  });

  it('scores the residual risk when one is recorded', () => {
    expect(deriveTier([risk(5, 5, [2, 2])])).toBe('minimal');
    expect(deriveTier([risk(2, 2, [3, 5])])).toBe('high');
    expect(deriveTier([risk(4, 4, [2, 3])])).toBe('limited');
  });

  it('ignores closed risks and takes the highest of the rest', () => {
    expect(deriveTier([risk(5, 5, undefined, 'closed'), risk(2, 3)])).toBe('limited');
    expect(deriveTier([risk(1, 1), risk(2, 3), risk(3, 5)])).toBe('high');
  });
});

describe('effectiveTier', () => {
  it('prefers a recorded override', () => {
    expect(effectiveTier('limited', null)).toBe('limited');
    expect(effectiveTier('limited', { tier: 'prohibited', justification: 'social scoring' })).toBe('prohibited');
  });
});
