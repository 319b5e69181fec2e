import { AuditAction } from './audit-actions';

export type ActorKind = 'user' | 'api_key' | 'system';

export interface AuditActor {
  id: string;
  kind: ActorKind;
  displayName: string;
  /** The roles the actor held when acting, not the ones held today. */
  roles: string[];
}

/**
 * One event as exported and as hashed (with `hash` left out of the hash input).
 * The shape is documented field by field in docs/audit-chain.md.
 */
export interface AuditEvent {
  chain: string;
  seq: number;
  id: string;
  occurredAt: string;
  actor: AuditActor;
  action: string;
  target: { type: string; id: string };
  useCaseId: string | null;
  payload: Record<string, unknown>;
  reason: string | null;
  context: { requestId: string | null; sourceIp: string | null; userAgent: string | null };
  prevHash: string;
  hash: string;
}

/** What domain code says about a change; the writer adds sequence, time, context and hashes. */
export interface AuditEventInput {
  action: AuditAction;
  target: { type: string; id: string };
  useCaseId?: string | null;
  /** State before and after the change; either may be omitted for creations and deletions. */
  before?: unknown;
  after?: unknown;
  /** Any further facts about the change. */
  data?: Record<string, unknown>;
  reason?: string | null;
  /** Defaults to the actor of the current request. */
  actor?: AuditActor;
}

/** The row as the driver returns it. */
export interface AuditEventRow {
  chain: string;
  seq: string | number;
  id: string;
  occurred_at: Date;
  actor_id: string;
  actor_kind: ActorKind;
  actor_display_name: string;
  actor_roles: string[];
  action: string;
  target_type: string;
  target_id: string;
  use_case_id: string | null;
  payload: Record<string, unknown>;
  reason: string | null;
  request_id: string | null;
  source_ip: string | null;
  user_agent: string | null;
  prev_hash: string;
  hash: string;
}

export const AUDIT_EVENT_COLUMNS =
  'chain, seq, id, occurred_at, actor_id, actor_kind, actor_display_name, actor_roles, action, target_type, target_id, ' +
  'use_case_id, payload, reason, request_id, source_ip, user_agent, prev_hash, hash';

export function eventFromRow(row: AuditEventRow): AuditEvent {
  return {
    chain: row.chain,
    seq: Number(row.seq),
    id: row.id,
    occurredAt: row.occurred_at.toISOString(),
    actor: { id: row.actor_id, kind: row.actor_kind, displayName: row.actor_display_name, roles: row.actor_roles },
    action: row.action,
    target: { type: row.target_type, id: row.target_id },
    useCaseId: row.use_case_id,
    payload: row.payload,
    reason: row.reason,
    context: { requestId: row.request_id, sourceIp: row.source_ip, userAgent: row.user_agent },
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
