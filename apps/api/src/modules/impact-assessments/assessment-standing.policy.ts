import canonicalize from 'canonicalize';
import { TIERS, Tier } from '../gate-reviews/lifecycle';
import type { ImpactAssessmentRequirement } from '../gate-policies/gate-policy';
import type { UseCaseContent } from '../use-cases/use-case-content';

/** What of a use case an impact assessment assesses: a change to any of it leaves an approval behind. */
export type AssessmentScope = Pick<UseCaseContent, 'intendedUse' | 'stakeholders' | 'inputs' | 'outputs'>;

const SCOPE_FIELDS: { field: keyof AssessmentScope; label: string }[] = [
  { field: 'intendedUse', label: 'intended use' },
  { field: 'stakeholders', label: 'stakeholders' },
  { field: 'inputs', label: 'inputs' },
  { field: 'outputs', label: 'outputs' },
];

export function scopeOf(content: UseCaseContent): AssessmentScope {
  return { intendedUse: content.intendedUse, stakeholders: content.stakeholders, inputs: content.inputs, outputs: content.outputs };
}

/** What an approval covered: the scope and tier of the use case at the moment it was given. */
export interface ApprovalBasis {
  decisionId: string;
  revision: number;
  templateVersion: number;
  scope: AssessmentScope;
  tier: string;
}

export type AssessmentState = 'none' | 'not_approved' | 'stale' | 'approved';

export interface AssessmentStanding {
  state: AssessmentState;
  /** Why the state is not `approved`, in words a reader acts on. */
  reasons: string[];
  approval: ApprovalBasis | null;
}

/**
 * Where a use case's impact assessment stands against the use case as it is
 * now. An approval goes stale when the intended use, stakeholders, inputs or
 * outputs change, or the tier rises above the one it was approved at (a
 * lower tier asks less of it, so a fall does not).
 */
export function assessmentStanding(
  assessment: { exists: boolean; approval: ApprovalBasis | null },
  useCase: { content: UseCaseContent; tier: Tier },
): AssessmentStanding {
  const { approval } = assessment;
  if (!assessment.exists) return { state: 'none', reasons: ['The use case has no impact assessment.'], approval: null };
  if (!approval) return { state: 'not_approved', reasons: ['The impact assessment has not been approved.'], approval: null };
  const now = scopeOf(useCase.content);
  const reasons = SCOPE_FIELDS.filter(({ field }) => canonicalize(now[field]) !== canonicalize(approval.scope[field])).map(
    ({ label }) => `The use case's ${label} changed since the impact assessment was approved.`,
  );
  if (TIERS.indexOf(useCase.tier) > TIERS.indexOf(approval.tier as Tier)) {
    reasons.push(`The tier rose from ${approval.tier} to ${useCase.tier} since the impact assessment was approved.`);
  }
  return { state: reasons.length ? 'stale' : 'approved', reasons, approval };
}

/**
 * Why the standing does not meet a gate's requirement: it must be approved,
 * not stale, and made on the current template version or one the policy
 * still accepts. Empty when it does.
 */
export function assessmentGaps(requirement: ImpactAssessmentRequirement | undefined, standing: AssessmentStanding, currentTemplateVersion: number): string[] {
  if (!requirement) return [];
  if (standing.state !== 'approved') return standing.reasons.map((reason) => `impact assessment: ${reason}`);
  const accepted = [currentTemplateVersion, ...(requirement.acceptedTemplateVersions ?? [])];
  const version = standing.approval!.templateVersion;
  if (!accepted.includes(version)) {
    return [`impact assessment: it was approved on template version ${version}; this gate needs template version ${[...new Set(accepted)].sort((a, b) => a - b).join(' or ')}.`];
  }
  return [];
}
