import type { Tier } from '../gate-reviews/lifecycle';

/** The guide's responsible-AI dimensions, used as risk categories. */
export const RISK_CATEGORIES = [
  'fairness',
  'privacy_and_security',
  'safety',
  'veracity_and_robustness',
  'transparency',
  'explainability',
  'controllability',
  'governance',
] as const;
export type RiskCategory = (typeof RISK_CATEGORIES)[number];

/** How a risk is treated (ISO/IEC 42001 6.1.3): only `accept` needs someone's acceptance (risk-acceptance.policy.ts). */
export const RISK_TREATMENTS = ['mitigate', 'avoid', 'transfer', 'accept'] as const;
export type RiskTreatment = (typeof RISK_TREATMENTS)[number];

/** `accepted` is never set by the team: it is what an acceptance decision records (risk-acceptance.policy.ts). */
export const RISK_STATUSES = ['open', 'mitigating', 'accepted', 'closed'] as const;
export type RiskStatus = (typeof RISK_STATUSES)[number];
/** What the team may set; accepted risks are the ones an acceptance decision covers. */
export const TEAM_RISK_STATUSES = ['open', 'mitigating', 'closed'] as const;

export interface Risk {
  id: string;
  description: string;
  category: RiskCategory;
  severity: number;
  likelihood: number;
  mitigation: string | null;
  owner: string | null;
  residualSeverity: number | null;
  residualLikelihood: number | null;
  status: RiskStatus;
  /** How the risk is treated; absent on risks recorded before treatments were, null when not yet decided. */
  treatment?: RiskTreatment | null;
}

/**
 * Tier thresholds (documented in the README). A risk is scored by its
 * residual severity × residual likelihood (1–25), or by its inherent values
 * while no residual assessment is recorded; closed risks do not count, and
 * accepted risks still do (accepting a risk is living with it, not removing it).
 *
 * - `high`    when any risk scores 15 or more, or has a severity of 5 at any likelihood
 * - `limited` when any risk scores 6 or more
 * - `minimal` otherwise, including when no risk is recorded
 *
 * `prohibited` is never derived: it is a legal judgement, recorded as an override.
 */
export const TIER_THRESHOLDS = { high: 15, limited: 6, severityAlwaysHigh: 5 } as const;

export function riskScore(risk: Pick<Risk, 'severity' | 'likelihood' | 'residualSeverity' | 'residualLikelihood'>) {
  const severity = risk.residualSeverity ?? risk.severity;
  const likelihood = risk.residualLikelihood ?? risk.likelihood;
  return { severity, likelihood, score: severity * likelihood };
}

export function deriveTier(risks: Pick<Risk, 'severity' | 'likelihood' | 'residualSeverity' | 'residualLikelihood' | 'status'>[]): Tier {
  let tier: Tier = 'minimal';
  for (const risk of risks) {
    if (risk.status === 'closed') continue;
    const { severity, score } = riskScore(risk);
    if (score >= TIER_THRESHOLDS.high || severity >= TIER_THRESHOLDS.severityAlwaysHigh) return 'high';
    if (score >= TIER_THRESHOLDS.limited) tier = 'limited';
  }
  return tier;
}

export interface TierOverride {
  tier: Tier;
  justification: string;
}

/** The tier in force: the override when one is recorded, else the derived tier. */
export function effectiveTier(derived: Tier, override: TierOverride | null): Tier {
  return override?.tier ?? derived;
}
