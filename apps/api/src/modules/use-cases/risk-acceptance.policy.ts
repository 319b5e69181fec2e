import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { Risk, riskScore, RiskTreatment } from './risk-tier.policy';

/**
 * The risk as an acceptance covers it: every field but its status, so a
 * change of description, scores, mitigation, treatment or owner leaves an
 * earlier acceptance behind, and closing the risk does not.
 */
export function riskHash(risk: Risk): string {
  const { status: _status, ...described } = risk;
  return createHash('sha256').update(canonicalize({ ...described, treatment: described.treatment ?? null })!, 'utf8').digest('hex');
}

/**
 * Authority to accept is judged on the inherent severity: the residual
 * estimate is the team's own claim about its mitigation, and must not lower
 * who has to agree to live with the risk.
 */
export function acceptanceSeverity(risk: Pick<Risk, 'severity'>): number {
  return risk.severity;
}

/** Does the risk ask to be accepted? Treated by acceptance, or marked accepted (by data written before acceptance was a decision). */
export function asksForAcceptance(risk: Risk): boolean {
  return risk.status !== 'closed' && (risk.treatment === 'accept' || risk.status === 'accepted');
}

export interface RecordedAcceptance {
  riskId: string;
  riskHash: string;
}

/** The ids of the risks an acceptance covers as they are now (an earlier one counts again if the risk returns to exactly what was accepted). */
export function acceptedRiskIds(risks: Risk[], acceptances: RecordedAcceptance[]): Set<string> {
  const hashes = new Set(acceptances.map((a) => `${a.riskId}:${a.riskHash}`));
  return new Set(risks.filter((risk) => hashes.has(`${risk.id}:${riskHash(risk)}`)).map((risk) => risk.id));
}

/** Risks treated by acceptance that nobody with the authority has accepted as they now stand. */
export function risksAwaitingAcceptance(risks: Risk[], acceptances: RecordedAcceptance[]): Risk[] {
  const accepted = acceptedRiskIds(risks, acceptances);
  return risks.filter((risk) => asksForAcceptance(risk) && !accepted.has(risk.id));
}

export interface RiskTreatmentView<A> {
  riskId: string;
  treatment: RiskTreatment | null;
  owner: string | null;
  /** Which scores the tier derivation used for this risk: residual once recorded, else inherent. */
  scoredOn: 'residual' | 'inherent';
  score: number;
  acceptance: A | null;
  awaitingAcceptance: boolean;
}

/** Each risk's treatment, the scores its tier counts and the acceptance that covers it as it stands, if any. */
export function riskTreatments<A extends RecordedAcceptance>(risks: Risk[], acceptances: A[]): RiskTreatmentView<A>[] {
  return risks.map((risk) => {
    const hash = riskHash(risk);
    const acceptance = acceptances.filter((a) => a.riskId === risk.id && a.riskHash === hash).at(-1) ?? null;
    return {
      riskId: risk.id,
      treatment: risk.treatment ?? null,
      owner: risk.owner,
      // As riskScore reads them: a residual pair counts once both are recorded.
      scoredOn: risk.residualSeverity != null && risk.residualLikelihood != null ? 'residual' : 'inherent',
      score: riskScore(risk).score,
      acceptance,
      awaitingAcceptance: asksForAcceptance(risk) && acceptance === null,
    };
  });
}
