import type { Schema } from '../../api/client';

// Words for the values a review page shows. Kept in this area so the reviewer screens
// stand on their own; the wording matches the use-case screens.

export type Review = Schema<'GateReviewResponse'>;
export type ReviewStatus = Review['status'];
export type Gate = Review['gate'];
export type SignOffRole = Schema<'RoleSlotResponse'>['role'];
export type Decision = Schema<'SignOffDto'>['decision'];
export type SignOff = Schema<'SignOffResponse'>;
export type Tier = Schema<'UseCaseDetailResponse'>['tier'];
export type Stage = Review['fromStage'];
export type UseCaseContent = Schema<'UseCaseContentResponse'>;
export type Risk = Schema<'RiskResponse'>;
export type EvidenceKind = Schema<'EvidenceResponse'>['kind'];

export const SIGN_OFF_ROLES: readonly SignOffRole[] = ['developer', 'deployer', 'legal', 'assessor'];
export const DECISIONS: readonly Decision[] = ['approve', 'request_changes', 'reject'];

export const GATE_LABELS: Record<Gate, string> = {
  design_to_develop: 'Design → develop',
  develop_to_deploy: 'Develop → deploy',
  deploy_to_operate: 'Deploy → operate',
  operate_review: 'Periodic operate review',
  retire: 'Retirement',
};

export const STAGE_LABELS: Record<Stage, string> = { design: 'Design', develop: 'Develop', deploy: 'Deploy', operate: 'Operate', retired: 'Retired' };

export const REVIEW_STATUS_LABELS: Record<ReviewStatus, string> = {
  open: 'Open: waiting for sign-offs',
  passed: 'Passed',
  rejected: 'Rejected',
  changes_requested: 'Changes requested',
  superseded: 'Superseded',
};

export const ROLE_LABELS: Record<SignOffRole, string> = { developer: 'Developer', deployer: 'Deployer', legal: 'Legal', assessor: 'Independent assessor' };

/** The decision as a choice on the form. */
export const DECISION_CHOICES: Record<Decision, string> = { approve: 'Approve', request_changes: 'Request changes', reject: 'Reject' };
/** The decision as something that happened. */
export const DECISION_LABELS: Record<Decision, string> = { approve: 'Approved', request_changes: 'Requested changes', reject: 'Rejected' };

export const TIER_LABELS: Record<Tier, string> = { minimal: 'Minimal risk', limited: 'Limited risk', high: 'High risk', prohibited: 'Prohibited' };

/** Dark enough for small text on white; the words carry the meaning, the colour only echoes it. */
export const TIER_COLORS: Record<Tier, string> = { minimal: '#495057', limited: '#7a5200', high: '#a63c06', prohibited: '#b02525' };

export const REVIEW_STATUS_COLORS: Record<ReviewStatus, string> = {
  open: '#1f4f8f',
  passed: '#2b6a1f',
  rejected: '#b02525',
  changes_requested: '#7a5200',
  superseded: '#495057',
};

export const DECISION_COLORS: Record<Decision, string> = { approve: '#2b6a1f', request_changes: '#7a5200', reject: '#b02525' };

export const AI_ROLE_LABELS: Record<UseCaseContent['aiRole'], string> = {
  developer: 'Developer: the organisation builds the AI system',
  deployer: 'Deployer: the organisation puts an AI system in front of users',
  both: 'Both developer and deployer',
};

export const EVIDENCE_KIND_LABELS: Record<EvidenceKind, string> = {
  risk_assessment: 'Risk assessment',
  impact_assessment: 'Impact assessment',
  model_card: 'Model card',
  datasheet: 'Datasheet',
  test_plan: 'Test plan',
  test_report: 'Test report',
  red_team_report: 'Red-team report',
  human_oversight_plan: 'Human-oversight plan',
  monitoring_plan: 'Monitoring plan',
  rollback_plan: 'Rollback plan',
  legal_review: 'Legal review',
  other: 'Other',
};

export const RISK_CATEGORY_LABELS: Record<Risk['category'], string> = {
  fairness: 'Fairness',
  privacy_and_security: 'Privacy and security',
  safety: 'Safety',
  veracity_and_robustness: 'Veracity and robustness',
  transparency: 'Transparency',
  explainability: 'Explainability',
  controllability: 'Controllability',
  governance: 'Governance',
};

export const TREATMENT_LABELS: Record<NonNullable<Risk['treatment']>, string> = {
  mitigate: 'Mitigate',
  avoid: 'Avoid',
  transfer: 'Transfer',
  accept: 'Accept',
};

export const RISK_STATUS_LABELS: Record<Risk['status'], string> = { open: 'Open', mitigating: 'Being mitigated', accepted: 'Accepted', closed: 'Closed' };

export const CHECKLIST_ANSWER_LABELS: Record<'yes' | 'no' | 'not_applicable', string> = { yes: 'Yes', no: 'No', not_applicable: 'Not applicable' };

/** The use case's content fields in words, for the content view and the diff. */
export const FIELD_LABELS: Record<string, string> = {
  title: 'Title',
  businessProblem: 'Business problem',
  workflow: 'Workflow and components',
  inputs: 'Inputs',
  outputs: 'Outputs',
  stakeholders: 'Stakeholders',
  intendedUse: 'Intended use',
  foreseeableMisuse: 'Foreseeable misuse',
  aiRole: 'The organisation’s AI role',
  developerTeamId: 'Developer team',
  deployerTeamId: 'Deployer team',
  risks: 'Risks',
  checklist: 'Checklist',
  tierOverride: 'Tier override',
  evidence: 'Evidence',
};

/** Keys inside content values (stakeholders, risks, components…) in words. */
const KEY_LABELS: Record<string, string> = {
  affectedNonUser: 'Affected non-user',
  residualSeverity: 'Residual severity',
  residualLikelihood: 'Residual likelihood',
  sha256: 'SHA-256',
  url: 'Address',
  id: 'Id',
};

export function fieldLabel(field: string): string {
  return FIELD_LABELS[field] ?? keyLabel(field);
}

/** `affectedNonUser` → "Affected non-user", `snake_case` → "Snake case". */
export function keyLabel(key: string): string {
  if (KEY_LABELS[key]) return KEY_LABELS[key];
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** "1 legal approval", "2 independent assessor approvals". */
export function approvalsWord(role: SignOffRole, count: number): string {
  return `${count} ${ROLE_LABELS[role].toLowerCase()} approval${count === 1 ? '' : 's'}`;
}

/** Words for enum values inside content objects, by the key they sit under. */
const VALUE_LABELS: Record<string, Record<string, string>> = {
  kind: EVIDENCE_KIND_LABELS,
  category: RISK_CATEGORY_LABELS,
  treatment: TREATMENT_LABELS,
  status: RISK_STATUS_LABELS,
  answer: CHECKLIST_ANSWER_LABELS,
  aiRole: AI_ROLE_LABELS,
  tier: TIER_LABELS,
};

export function valueLabel(key: string | undefined, value: string): string {
  return (key && VALUE_LABELS[key]?.[value]) ?? value;
}

/** The keys a reader wants first in an object (a risk, an evidence item, a stakeholder); the rest follow in their own order. */
const KEY_ORDER = [
  'title',
  'name',
  'description',
  'kind',
  'category',
  'severity',
  'likelihood',
  'residualSeverity',
  'residualLikelihood',
  'mitigation',
  'treatment',
  'owner',
  'status',
  'objectives',
  'affectedNonUser',
  'answer',
  'note',
  'tier',
  'justification',
  'url',
  'sha256',
  'id',
];

export function orderedEntries(value: Record<string, unknown>): [string, unknown][] {
  const rank = (key: string) => {
    const index = KEY_ORDER.indexOf(key);
    return index === -1 ? KEY_ORDER.length : index;
  };
  return Object.entries(value).sort(([a], [b]) => rank(a) - rank(b));
}
