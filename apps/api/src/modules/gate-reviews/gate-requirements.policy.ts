import type { GateRequirements } from '../gate-policies/gate-policy';
import { AssessmentStanding, assessmentGaps } from '../impact-assessments/assessment-standing.policy';
import type { Risk } from '../use-cases/risk-tier.policy';
import type { UseCaseContent } from '../use-cases/use-case-content';

export interface RequirementGap {
  field: 'evidence' | 'checklist' | 'impactAssessment' | 'risks';
  detail: string;
}

/** What a gate needs to know beyond the content: decisions recorded outside it. */
export interface GateFacts {
  /** Risks treated by acceptance that no acceptance covers as they stand. */
  risksAwaitingAcceptance: Pick<Risk, 'id' | 'description'>[];
  /** Where the impact assessment stands; read only when the gate asks for one. */
  assessment?: AssessmentStanding;
  currentTemplateVersion?: number;
}

/**
 * What a gate asks of the use case and it does not have yet: evidence,
 * checklist answers, an approved and current impact assessment, and an
 * acceptance for every risk the team treats by acceptance (retirement does
 * not wait for those). Checked when a review opens and again at the moment
 * it would pass, against the use case as it is then.
 */
export function unmetRequirements(
  requirements: GateRequirements,
  content: Pick<UseCaseContent, 'evidence' | 'checklist'>,
  facts: GateFacts,
  gate?: string,
): RequirementGap[] {
  const presentKinds = new Set(content.evidence.map((evidence) => evidence.kind));
  const assessment =
    requirements.impactAssessment && facts.assessment
      ? assessmentGaps(requirements.impactAssessment, facts.assessment, facts.currentTemplateVersion ?? 0).map((detail) => ({ field: 'impactAssessment' as const, detail }))
      : [];
  const acceptances =
    gate === 'retire'
      ? []
      : facts.risksAwaitingAcceptance.map((risk) => ({
          field: 'risks' as const,
          detail: `risk ${risk.id} is treated by acceptance and awaits an acceptance by someone with the authority ("${truncate(risk.description)}")`,
        }));
  return [
    ...requirements.evidence.filter((r) => !presentKinds.has(r.kind)).map((r) => ({ field: 'evidence' as const, detail: `missing evidence: ${r.kind}` })),
    ...requirements.checklist
      .filter((id) => !Object.hasOwn(content.checklist, id))
      .map((id) => ({ field: 'checklist' as const, detail: `unanswered checklist item: ${id}` })),
    ...assessment,
    ...acceptances,
  ];
}

/** Does the gate ask for facts that are read from outside the content? */
export function needsAssessment(requirements: GateRequirements): boolean {
  return requirements.impactAssessment !== undefined;
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
