import type { paths } from '../../api/generated/schema';

type ListQuery = NonNullable<paths['/api/audit/events']['get']['parameters']['query']>;
export type AuditAction = NonNullable<ListQuery['action']>;

/** The filters a person sets on the trail; the URL's query string holds them, so a filtered view is a link. */
export interface AuditFilters {
  useCaseId?: string;
  actorId?: string;
  action?: string;
  /** ISO 8601 instants */
  from?: string;
  to?: string;
}

const FILTER_KEYS = ['useCaseId', 'actorId', 'action', 'from', 'to'] as const;

export function filtersFrom(params: URLSearchParams): AuditFilters {
  const filters: AuditFilters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key)?.trim();
    if (value) filters[key] = value;
  }
  return filters;
}

export function filtersToParams(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filters[key]?.trim();
    if (value) params.set(key, value);
  }
  return params;
}

/** The listing's query: the filters as the API names them (an unknown action is the server's to refuse, with a 422). */
export function listQuery(filters: AuditFilters): ListQuery {
  return { ...filters, action: filters.action as AuditAction | undefined };
}

/** The export of what the filters select, as a plain link: the session cookie authenticates the download. */
export function exportHref(filters: AuditFilters, format: 'ndjson' | 'csv'): string {
  const params = filtersToParams(filters);
  params.set('format', format);
  return `/api/audit/export?${params.toString()}`;
}

/** An ISO instant as a `datetime-local` input shows it (the person's own time zone), and back. */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The action catalogue (docs/audit-chain.md), offered as suggestions; the server checks the value. */
export const AUDIT_ACTIONS = [
  'access.denied',
  'api_key.created',
  'api_key.revoked',
  'assessment_template.published',
  'audit.exported',
  'audit.read',
  'audit.verified',
  'auth.login_failed',
  'auth.login_succeeded',
  'compliance.pack_exported',
  'evidence.attached',
  'evidence.downloaded',
  'gate_policy.published',
  'gate_review.changes_requested',
  'gate_review.opened',
  'gate_review.passed',
  'gate_review.rejected',
  'gate_review.repinned',
  'gate_review.superseded',
  'impact_assessment.approved',
  'impact_assessment.changes_requested',
  'impact_assessment.saved',
  'impact_assessment.submitted',
  'obligation.updated',
  'risk.accepted',
  'sign_off.recorded',
  'sign_off.staled',
  'sign_off.superseded',
  'soa.control_updated',
  'team.created',
  'team.member_added',
  'team.member_removed',
  'use_case.created',
  'use_case.retired',
  'use_case.rolled_back',
  'use_case.tier_change_proposed',
  'use_case.tier_change_refused',
  'use_case.tier_overridden',
  'use_case.updated',
  'user.created',
  'user.deactivated',
  'user.password_changed',
  'user.role_granted',
  'user.role_revoked',
  'user.updated',
] as const satisfies readonly AuditAction[];

/** Why a chain check found a break, in words. */
export const BREAK_REASONS: Record<string, string> = {
  hash_mismatch: 'its stored hash does not match its content (the event was changed after it was sealed)',
  prev_hash_mismatch: 'it does not link to the event before it (an event was changed, removed or inserted before it)',
  sequence_gap: 'a sequence number is missing before it (an event was removed)',
  head_mismatch: 'it lies beyond the recorded head of the chain (written straight into the table)',
};
