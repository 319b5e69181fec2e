import type { Schema } from '../../api/client';

import type { EvidenceKind, Gate, SignOffRole, Stage, Tier } from '../../domain/vocabulary';

export type { EvidenceKind, Gate, SignOffRole, Stage, Tier };
export type UseCase = Schema<'UseCaseResponse'>;
export type UseCaseDetail = Schema<'UseCaseDetailResponse'>;
export type UseCaseContent = Schema<'UseCaseContentResponse'>;
export type Risk = Schema<'RiskResponse'>;
export type RiskCategory = Risk['category'];
export type Treatment = NonNullable<Risk['treatment']>;

import { EVIDENCE_KIND_LABELS, FIELD_LABELS } from '../../domain/vocabulary';

export { STAGE_LABELS, TIER_LABELS, TIER_COLORS, GATE_LABELS, ROLE_LABELS, EVIDENCE_KIND_LABELS, RISK_CATEGORY_LABELS, RISK_STATUS_LABELS, CHECKLIST_ANSWER_LABELS, AI_ROLE_LABELS, FIELD_LABELS } from '../../domain/vocabulary';

export const STAGES: readonly Stage[] = ['design', 'develop', 'deploy', 'operate', 'retired'];
export const TIERS: readonly Tier[] = ['minimal', 'limited', 'high', 'prohibited'];




export const STATUS_LABELS: Record<UseCase['status'], string> = { active: 'Active', in_review: 'In review', retired: 'Retired' };


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


export const TREATMENTS: readonly Treatment[] = ['mitigate', 'avoid', 'transfer', 'accept'];
export const TREATMENT_LABELS: Record<Treatment, string> = {
  mitigate: 'Mitigate: reduce it',
  avoid: 'Avoid: change the design so it cannot happen',
  transfer: 'Transfer: someone else carries it',
  accept: 'Accept: live with it (decided outside the team)',
};


export const SEVERITY_LABELS: Record<number, string> = { 1: 'Negligible', 2: 'Minor', 3: 'Moderate', 4: 'Major', 5: 'Severe' };
export const LIKELIHOOD_LABELS: Record<number, string> = { 1: 'Rare', 2: 'Unlikely', 3: 'Possible', 4: 'Likely', 5: 'Almost certain' };

/** The tier thresholds of the API's risk-tier.policy.ts (documented in the README). */
export const TIER_THRESHOLDS = { high: 15, limited: 6, severityAlwaysHigh: 5 } as const;


export function fieldLabel(field: string): string {
  return FIELD_LABELS[field] ?? field;
}

/** Colours for destructive and cautious actions, dark enough for small text on white and for white text on them (WCAG AA). */
export const DANGER_COLOR = '#b02525';
export const CAUTION_COLOR = '#a63c06';
