import { AuditAction, AuditDetails } from './audit-actions';

import type { Actor } from '@app/request-context';

/**
 * Who acted, as the trail records it: the request context's actor (one type
 * for both), with the roles held when acting, not the ones held today.
 */
export type AuditActor = Actor;
export type ActorKind = Actor['kind'];

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

interface AuditEventCommon {
  target: { type: string; id: string };
  useCaseId?: string | null;
  reason?: string | null;
  /**
   * Who acted. Defaults to the actor of the current request (set by the access
   * guard); given only where the event's actor is not the caller: a sign-in,
   * a refusal recorded for someone, a command-line tool.
   */
  actor?: AuditActor;
}

/**
 * What domain code says about a change; the writer adds sequence, time,
 * context and hashes. `data`, `before` and `after` take the shape the
 * catalogue (AuditDetails) gives the action.
 */
export type AuditEventInput = { [A in AuditAction]: AuditEventCommon & { action: A } & AuditDetails[A] }[AuditAction];

/** The form every event takes in the end, whatever its action: the writer stores `data`, `before` and `after` as one payload. */
export type AuditEventShape = AuditEventCommon & { action: AuditAction; data?: Record<string, unknown>; before?: unknown; after?: unknown };

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
