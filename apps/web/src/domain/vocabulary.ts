import type { Schema } from '../api/client';

/**
 * The domain's words, shared by every screen: what the API's enumerations are called
 * on a page. Each area adds its own beside its components (a decision as a choice,
 * a treatment with its explanation, a review's status in a sentence).
 */

export type Stage = Schema<'UseCaseResponse'>['stage'];
export type Tier = Schema<'UseCaseResponse'>['tier'];
export type Gate = Schema<'OpenReviewDto'>['gate'];
export type SignOffRole = Schema<'RoleSlotResponse'>['role'];
export type EvidenceKind = Schema<'EvidenceResponse'>['kind'];
type Risk = Schema<'RiskResponse'>;
type UseCaseContent = Schema<'UseCaseContentResponse'>;

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

export const GATE_LABELS: Record<Gate, string> = {
  design_to_develop: 'Design → develop',
  develop_to_deploy: 'Develop → deploy',
  deploy_to_operate: 'Deploy → operate',
  operate_review: 'Periodic operate review',
  retire: 'Retirement',
};

export const ROLE_LABELS: Record<SignOffRole, string> = { developer: 'Developer', deployer: 'Deployer', legal: 'Legal', assessor: 'Independent assessor' };

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

export const RISK_STATUS_LABELS: Record<Risk['status'], string> = { open: 'Open', mitigating: 'Being mitigated', accepted: 'Accepted', closed: 'Closed' };

export const CHECKLIST_ANSWER_LABELS = { yes: 'Yes', no: 'No', not_applicable: 'Not applicable' } as const;

export const AI_ROLE_LABELS: Record<UseCaseContent['aiRole'], string> = {
  developer: 'Developer: the organisation builds the AI system',
  deployer: 'Deployer: the organisation puts an AI system in front of users',
  both: 'Both developer and deployer',
};

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
