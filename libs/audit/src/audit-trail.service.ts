import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { DomainError } from '@app/errors';
import { RequestContext } from '@app/request-context';
import { isAuditAction } from './audit-actions';
import { canonicalEventTemplate, DEFAULT_CHAIN } from './audit-chain';
import { AuditEvent, AuditEventInput, AuditEventShape } from './audit-event';
import { assertStorableText, toJsonPayload } from './audit-value';

// Exported from here so that the library's index stays as it is.
export { UnstorableAuditValueError } from './audit-value';

/**
 * The chain holds an event after its recorded head that the writer did not
 * append: someone wrote to the table directly. Nothing is recorded — so
 * nothing changes — until an administrator has examined the chain: a change
 * without its audit event is exactly what the trail exists to prevent. The
 * answer is 503 (the service cannot take changes), never a bare 500.
 */
export class AuditChainDamagedError extends DomainError {
  readonly code = 'audit-chain-damaged';
  readonly status = 503;
  readonly title = 'Changes suspended: the audit trail needs attention';

  constructor(cause: unknown) {
    super(
      `The audit chain "${DEFAULT_CHAIN}" already holds an event after its recorded head, which the writer did not append: ` +
        'nothing can be recorded until the chain is examined (GET /api/audit/verify reports the event).',
    );
    this.cause = cause;
  }
}

export class AuditOutsideTransactionError extends Error {
  override name = 'AuditOutsideTransactionError';
  constructor() {
    super('An audit event must be recorded with the EntityManager of the transaction that makes the change.');
  }
}

/**
 * The one way to write to the audit trail. It takes the transaction of the
 * change being recorded, so the change and its event commit together or not
 * at all; there is no other write path and no switch to turn it off.
 *
 * How the chain stays one unbroken line, whatever the number of writers:
 *
 * 1. The chain's head (last seq and hash) is one row in audit_chain_heads.
 *    `SELECT … FOR UPDATE` locks it inside the writer's transaction, so a
 *    second writer — another request, or another API process on the same
 *    database — waits on that row until the first transaction ends.
 * 2. Under READ COMMITTED (PostgreSQL's default, which Gatehouse uses), the
 *    waiting writer then reads the head as committed by the first one, so it
 *    links to it with seq + 1. If the first transaction rolled back, the head
 *    is unchanged and the seq is reused: no gaps, and seq follows commit order.
 *    (Under REPEATABLE READ or SERIALIZABLE the locked read fails with a
 *    serialization error instead of forking the chain.)
 * 3. Locking, hashing (PostgreSQL's sha256 over the canonical JSON that this
 *    writer prepared, completed with the time, prevHash and seq read under the
 *    lock), the insert and the head update are one statement; the primary key
 *    (chain, seq) would refuse a duplicate even if the lock were bypassed.
 *
 * The lock is held from the audit write until commit, so writers serialise on
 * that tail of their transactions only: record the event as the last step.
 */
@Injectable()
export class AuditTrail {
  constructor(private readonly context: RequestContext) {}

  async record(manager: EntityManager, input: AuditEventInput): Promise<AuditEvent> {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) throw new AuditOutsideTransactionError();
    if (!isAuditAction(input.action)) throw new Error(`"${input.action}" is not in the audit action catalogue`);
    const actor = input.actor ?? this.context.actor;
    if (!actor) throw new Error(`No actor for audit action ${input.action}: every event names who acted.`);

    const content: Omit<AuditEvent, 'hash' | 'seq' | 'prevHash' | 'occurredAt'> = {
      chain: DEFAULT_CHAIN,
      id: randomUUID(),
      actor: { id: actor.id, kind: actor.kind, displayName: actor.displayName, roles: [...actor.roles] },
      action: input.action,
      target: { type: input.target.type, id: input.target.id },
      useCaseId: input.useCaseId ?? null,
      payload: toJsonPayload(payloadOf(input)),
      // Empty text is stored as null, so a CSV export's empty cell means exactly null.
      reason: input.reason || null,
      context: {
        requestId: this.context.requestId || null,
        sourceIp: this.context.sourceIp || null,
        userAgent: this.context.userAgent || null,
      },
    };
    assertStorableText(content as unknown as Record<string, unknown>);
    const canonical = canonicalEventTemplate(content);

    const appended = await runner
      .query(
        APPEND_EVENT_SQL,
        [
          content.chain, content.id, content.actor.id, content.actor.kind, content.actor.displayName, content.actor.roles,
          content.action, content.target.type, content.target.id, content.useCaseId, JSON.stringify(content.payload),
          content.reason, content.context.requestId, content.context.sourceIp, content.context.userAgent, ...canonical,
        ],
        true,
      )
      .catch((error: unknown) => {
        if (!isEventBeyondHead(error)) throw error;
        const damaged = new AuditChainDamagedError(error);
        new Logger(AuditTrail.name).error({ err: error }, damaged.detail);
        throw damaged;
      });
    const [sealed] = appended.records as { seq: string; occurred_at: string; prev_hash: string; hash: string }[];
    if (!sealed) throw new Error(`The audit chain "${DEFAULT_CHAIN}" has no head row; are the migrations applied?`);
    const event: AuditEvent = { ...content, seq: Number(sealed.seq), occurredAt: sealed.occurred_at, prevHash: sealed.prev_hash, hash: sealed.hash };
    return event;
  }
}

/**
 * One statement, one round trip: lock the head, take the time, finish the
 * canonical JSON with the time, prevHash and seq, hash it, append the event
 * and move the head. The lock is then held only until the transaction commits.
 */
const APPEND_EVENT_SQL = `WITH head AS (
    SELECT seq + 1 AS seq, hash AS prev_hash,
           to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at
    FROM audit_chain_heads WHERE chain = $1 FOR UPDATE
  ), sealed AS (
    SELECT seq, prev_hash, occurred_at,
           encode(sha256(convert_to($16 || occurred_at || $17 || prev_hash || $18 || seq::text || $19, 'UTF8')), 'hex') AS hash
    FROM head
  ), appended AS (
    INSERT INTO audit_events (chain, seq, id, occurred_at, actor_id, actor_kind, actor_display_name, actor_roles,
      action, target_type, target_id, use_case_id, payload, reason, request_id, source_ip, user_agent, prev_hash, hash)
    SELECT $1, seq, $2, occurred_at::timestamptz, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, prev_hash, hash
    FROM sealed
    RETURNING seq, prev_hash, hash
  )
  UPDATE audit_chain_heads SET seq = appended.seq, hash = appended.hash
  FROM appended, sealed WHERE audit_chain_heads.chain = $1
  RETURNING appended.seq, sealed.occurred_at, appended.prev_hash, appended.hash`;

/** `data` with `before` and `after` added when given; a member of `data` is never silently replaced or dropped. */
function payloadOf(typed: AuditEventInput): Record<string, unknown> {
  // Each action's shape was checked where the event was made; here every event is data, before and after.
  const input = typed as AuditEventShape;
  const payload: Record<string, unknown> = { ...input.data };
  for (const name of ['before', 'after'] as const) {
    if (input[name] === undefined) continue;
    if (Object.hasOwn(payload, name)) throw new Error(`Audit event ${input.action}: "${name}" is given both in data and on its own.`);
    payload[name] = input[name];
  }
  return payload;
}

/** A primary-key clash on the append: the row at head + 1 exists already. */
function isEventBeyondHead(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string; table?: string; constraint?: string } }).driverError;
  return driverError?.code === '23505' && driverError.table === 'audit_events' && driverError.constraint === 'audit_events_pkey';
}
