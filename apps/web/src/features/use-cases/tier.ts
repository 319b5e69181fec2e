import { SEVERITY_LABELS, TIER_LABELS, TIER_THRESHOLDS, type Risk, type Tier } from './labels';

export interface ScoredRisk {
  risk: Risk;
  severity: number;
  likelihood: number;
  score: number;
  scoredOn: 'residual' | 'inherent';
}

/** The scores the tier counts (the API's riskScore): residual once recorded, else inherent. */
export function scoreOf(risk: Pick<Risk, 'severity' | 'likelihood' | 'residualSeverity' | 'residualLikelihood'>) {
  const residual = risk.residualSeverity != null && risk.residualLikelihood != null;
  const severity = risk.residualSeverity ?? risk.severity;
  const likelihood = risk.residualLikelihood ?? risk.likelihood;
  return { severity, likelihood, score: severity * likelihood, scoredOn: residual ? ('residual' as const) : ('inherent' as const) };
}

/** The tier a single score gives (the API's deriveTier for one risk). */
export function tierOfScore(severity: number, score: number): Tier {
  if (score >= TIER_THRESHOLDS.high || severity >= TIER_THRESHOLDS.severityAlwaysHigh) return 'high';
  if (score >= TIER_THRESHOLDS.limited) return 'limited';
  return 'minimal';
}

const RANK: Record<Tier, number> = { minimal: 0, limited: 1, high: 2, prohibited: 3 };

/** The risk that decides the derived tier, and that tier: the same rule as the API, so the page can say why. */
export function decidingRisk(risks: Risk[]): { tier: Tier; deciding?: ScoredRisk; counted: number } {
  let deciding: ScoredRisk | undefined;
  let tier: Tier = 'minimal';
  let counted = 0;
  for (const risk of risks) {
    if (risk.status === 'closed') continue;
    counted += 1;
    const scored = { risk, ...scoreOf(risk) };
    const itsTier = tierOfScore(scored.severity, scored.score);
    const better =
      !deciding ||
      RANK[itsTier] > RANK[tier] ||
      (RANK[itsTier] === RANK[tier] && (scored.score > deciding.score || (scored.score === deciding.score && scored.severity > deciding.severity)));
    if (better) {
      deciding = scored;
      tier = RANK[itsTier] > RANK[tier] ? itsTier : tier;
    }
  }
  return { tier, deciding, counted };
}

/** Why the register gives this tier, in one sentence. */
export function whyTier(risks: Risk[]): string {
  const { tier, deciding, counted } = decidingRisk(risks);
  if (!deciding || counted === 0) return 'No open risk is recorded, so the risk register gives the minimal tier.';
  const { severity, likelihood, score, scoredOn, risk } = deciding;
  const name = `“${risk.description.length > 80 ? `${risk.description.slice(0, 77)}…` : risk.description}”`;
  const scored = `${scoredOn === 'residual' ? 'residual ' : ''}severity ${severity} × likelihood ${likelihood} = ${score}`;
  if (tier === 'high' && severity >= TIER_THRESHOLDS.severityAlwaysHigh && score < TIER_THRESHOLDS.high) {
    return `${name} has ${scoredOn === 'residual' ? 'residual ' : ''}severity ${severity} (${SEVERITY_LABELS[severity]}): any risk of severity ${TIER_THRESHOLDS.severityAlwaysHigh} makes the tier ${TIER_LABELS.high.toLowerCase()}.`;
  }
  if (tier === 'high') return `${name} scores ${scored}, which is ${TIER_THRESHOLDS.high} or more: ${TIER_LABELS.high.toLowerCase()}.`;
  if (tier === 'limited') return `The highest score is ${scored} (${name}), between ${TIER_THRESHOLDS.limited} and ${TIER_THRESHOLDS.high - 1}: ${TIER_LABELS.limited.toLowerCase()}.`;
  return `The highest score is ${scored} (${name}), below ${TIER_THRESHOLDS.limited}: ${TIER_LABELS.minimal.toLowerCase()}.`;
}

export const THRESHOLDS_TEXT =
  `Each open risk is scored severity × likelihood (1–25), on its residual values once recorded, else its inherent ones; closed risks do not count. ` +
  `High: any score of ${TIER_THRESHOLDS.high} or more, or any severity ${TIER_THRESHOLDS.severityAlwaysHigh}. ` +
  `Limited: a score from ${TIER_THRESHOLDS.limited} to ${TIER_THRESHOLDS.high - 1}. Minimal: otherwise. ` +
  `Prohibited is never derived: legal or an independent assessor records it as an override.`;
