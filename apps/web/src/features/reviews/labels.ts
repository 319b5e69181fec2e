import type { Schema } from '../../api/client';

// Words for the values a review page shows. Kept in this area so the reviewer screens
// stand on their own; the wording matches the use-case screens.

import type { EvidenceKind, SignOffRole, Tier } from '../../domain/vocabulary';

export type { EvidenceKind, SignOffRole, Tier };
export type Review = Schema<'GateReviewResponse'>;
export type ReviewStatus = Review['status'];
export type Gate = Review['gate'];
export type Decision = Schema<'SignOffDto'>['decision'];
export type SignOff = Schema<'SignOffResponse'>;
export type Stage = Review['fromStage'];
export type UseCaseContent = Schema<'UseCaseContentResponse'>;
export type Risk = Schema<'RiskResponse'>;

import { TIER_LABELS, ROLE_LABELS, EVIDENCE_KIND_LABELS, RISK_CATEGORY_LABELS, RISK_STATUS_LABELS, CHECKLIST_ANSWER_LABELS, AI_ROLE_LABELS, FIELD_LABELS } from '../../domain/vocabulary';

export { STAGE_LABELS, TIER_LABELS, TIER_COLORS, GATE_LABELS, ROLE_LABELS, EVIDENCE_KIND_LABELS, RISK_CATEGORY_LABELS, RISK_STATUS_LABELS, CHECKLIST_ANSWER_LABELS, AI_ROLE_LABELS, FIELD_LABELS } from '../../domain/vocabulary';

export const SIGN_OFF_ROLES: readonly SignOffRole[] = ['developer', 'deployer', 'legal', 'assessor'];
export const DECISIONS: readonly Decision[] = ['approve', 'request_changes', 'reject'];



export const REVIEW_STATUS_LABELS: Record<ReviewStatus, string> = {
  open: 'Open: waiting for sign-offs',
  passed: 'Passed',
  rejected: 'Rejected',
  changes_requested: 'Changes requested',
  superseded: 'Superseded',
};


/** The decision as a choice on the form. */
export const DECISION_CHOICES: Record<Decision, string> = { approve: 'Approve', request_changes: 'Request changes', reject: 'Reject' };
/** The decision as something that happened. */
export const DECISION_LABELS: Record<Decision, string> = { approve: 'Approved', request_changes: 'Requested changes', reject: 'Rejected' };



export const REVIEW_STATUS_COLORS: Record<ReviewStatus, string> = {
  open: '#1f4f8f',
  passed: '#2b6a1f',
  rejected: '#b02525',
  changes_requested: '#7a5200',
  superseded: '#495057',
};

export const DECISION_COLORS: Record<Decision, string> = { approve: '#2b6a1f', request_changes: '#7a5200', reject: '#b02525' };




export const TREATMENT_LABELS: Record<NonNullable<Risk['treatment']>, string> = {
  mitigate: 'Mitigate',
  avoid: 'Avoid',
  transfer: 'Transfer',
  accept: 'Accept',
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
