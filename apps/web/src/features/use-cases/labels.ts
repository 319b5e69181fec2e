import type { Schema } from '../../api/client';

export type UseCase = Schema<'UseCaseResponse'>;
export type UseCaseDetail = Schema<'UseCaseDetailResponse'>;
export type UseCaseContent = Schema<'UseCaseContentResponse'>;
export type Risk = Schema<'RiskResponse'>;
export type Stage = UseCase['stage'];
export type Tier = UseCase['tier'];
export type Gate = Schema<'OpenReviewDto'>['gate'];
export type EvidenceKind = Schema<'EvidenceResponse'>['kind'];
export type RiskCategory = Risk['category'];
export type Treatment = NonNullable<Risk['treatment']>;
export type SignOffRole = Schema<'RoleSlotResponse'>['role'];

export const STAGES: readonly Stage[] = ['design', 'develop', 'deploy', 'operate', 'retired'];
export const TIERS: readonly Tier[] = ['minimal', 'limited', 'high', 'prohibited'];

export const STAGE_LABELS: Record<Stage, string> = {
  design: 'Design',
  develop: 'Develop',
  deploy: 'Deploy',
  operate: 'Operate',
  retired: 'Retired',
};

export const TIER_LABELS: Record<Tier, string> = {
  minimal: 'Minimal risk',
  limited: 'Limited risk',
  high: 'High risk',
  prohibited: 'Prohibited',
};

/**
 * Colours only reinforce the words on the badge; they never carry the meaning alone.
 * Dark enough for small text on white (WCAG AA), used with the outline variant.
 */
export const TIER_COLORS: Record<Tier, string> = { minimal: '#495057', limited: '#7a5200', high: '#a63c06', prohibited: '#b02525' };

export const STATUS_LABELS: Record<UseCase['status'], string> = { active: 'Active', in_review: 'In review', retired: 'Retired' };

export const GATE_LABELS: Record<Gate, string> = {
  design_to_develop: 'Design → develop',
  develop_to_deploy: 'Develop → deploy',
  deploy_to_operate: 'Deploy → operate',
  operate_review: 'Periodic operate review',
  retire: 'Retirement',
};

/** The gate that ends each stage (the API's FORWARD_GATES). */
export const FORWARD_GATE: Record<Exclude<Stage, 'retired'>, Gate> = {
  design: 'design_to_develop',
  develop: 'develop_to_deploy',
  deploy: 'deploy_to_operate',
  operate: 'operate_review',
};

export function forwardGate(stage: Stage): Gate | undefined {
  return stage === 'retired' ? undefined : FORWARD_GATE[stage];
}

export const REVIEW_STATUS_LABELS: Record<Schema<'GateReviewResponse'>['status'], string> = {
  open: 'Open',
  passed: 'Passed',
  rejected: 'Rejected',
  changes_requested: 'Changes requested',
  superseded: 'Superseded',
};

export const ROLE_LABELS: Record<SignOffRole, string> = { developer: 'Developer', deployer: 'Deployer', legal: 'Legal', assessor: 'Independent assessor' };

export const AI_ROLE_LABELS: Record<UseCaseContent['aiRole'], string> = {
  developer: 'Developer: we build the AI system',
  deployer: 'Deployer: we put an AI system in front of users',
  both: 'Both developer and deployer',
};

export const EVIDENCE_KINDS: readonly EvidenceKind[] = [
  'risk_assessment',
  'impact_assessment',
  'model_card',
  'datasheet',
  'test_plan',
  'test_report',
  'red_team_report',
  'human_oversight_plan',
  'monitoring_plan',
  'rollback_plan',
  'legal_review',
  'other',
];

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

export function evidenceKindLabel(kind: string): string {
  return EVIDENCE_KIND_LABELS[kind as EvidenceKind] ?? kind;
}

export const RISK_CATEGORIES: readonly RiskCategory[] = [
  'fairness',
  'privacy_and_security',
  'safety',
  'veracity_and_robustness',
  'transparency',
  'explainability',
  'controllability',
  'governance',
];

export const RISK_CATEGORY_LABELS: Record<RiskCategory, string> = {
  fairness: 'Fairness',
  privacy_and_security: 'Privacy and security',
  safety: 'Safety',
  veracity_and_robustness: 'Veracity and robustness',
  transparency: 'Transparency',
  explainability: 'Explainability',
  controllability: 'Controllability',
  governance: 'Governance',
};

export const TREATMENTS: readonly Treatment[] = ['mitigate', 'avoid', 'transfer', 'accept'];
export const TREATMENT_LABELS: Record<Treatment, string> = {
  mitigate: 'Mitigate: reduce it',
  avoid: 'Avoid: change the design so it cannot happen',
  transfer: 'Transfer: someone else carries it',
  accept: 'Accept: live with it (decided outside the team)',
};

export const RISK_STATUS_LABELS: Record<Risk['status'], string> = { open: 'Open', mitigating: 'Being mitigated', accepted: 'Accepted', closed: 'Closed' };

export const SEVERITY_LABELS: Record<number, string> = { 1: 'Negligible', 2: 'Minor', 3: 'Moderate', 4: 'Major', 5: 'Severe' };
export const LIKELIHOOD_LABELS: Record<number, string> = { 1: 'Rare', 2: 'Unlikely', 3: 'Possible', 4: 'Likely', 5: 'Almost certain' };

/** The tier thresholds of the API's risk-tier.policy.ts (documented in the README). */
export const TIER_THRESHOLDS = { high: 15, limited: 6, severityAlwaysHigh: 5 } as const;

export const CHECKLIST_ANSWER_LABELS = { yes: 'Yes', no: 'No', not_applicable: 'Not applicable' } as const;

/** Content fields in words, for revision summaries and diffs. */
export const FIELD_LABELS: Record<string, string> = {
  title: 'Title',
  businessProblem: 'Business problem',
  workflow: 'Workflow',
  inputs: 'Inputs',
  outputs: 'Outputs',
  stakeholders: 'Stakeholders',
  intendedUse: 'Intended use',
  foreseeableMisuse: 'Foreseeable misuse',
  aiRole: 'AI role',
  developerTeamId: 'Developer team',
  deployerTeamId: 'Deployer team',
  risks: 'Risks',
  checklist: 'Checklist',
  tierOverride: 'Tier override',
  evidence: 'Evidence',
};

export function fieldLabel(field: string): string {
  return FIELD_LABELS[field] ?? field;
}

/** Colours for destructive and cautious actions, dark enough for small text on white and for white text on them (WCAG AA). */
export const DANGER_COLOR = '#b02525';
export const CAUTION_COLOR = '#a63c06';
