import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { RequestContext } from '@app/request-context';
import { isAuditAction } from './audit-actions';
import { computeEventHash, DEFAULT_CHAIN } from './audit-chain';
import { AuditEvent, AuditEventInput } from './audit-event';

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
 * 3. The event insert and the head update are one statement; the primary key
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

    const [head]: { seq: string; hash: string }[] = await runner.query(
      'SELECT seq, hash FROM audit_chain_heads WHERE chain = $1 FOR UPDATE',
      [DEFAULT_CHAIN],
    );
    if (!head) throw new Error(`The audit chain "${DEFAULT_CHAIN}" has no head row; are the migrations applied?`);

    const content: Omit<AuditEvent, 'hash'> = {
      chain: DEFAULT_CHAIN,
      seq: Number(head.seq) + 1,
      id: randomUUID(),
      // Taken after the lock, so times follow sequence order within a host.
      occurredAt: new Date().toISOString(),
      actor: { id: actor.id, kind: actor.kind, displayName: actor.displayName, roles: [...actor.roles] },
      action: input.action,
      target: { type: input.target.type, id: input.target.id },
      useCaseId: input.useCaseId ?? null,
      payload: toJsonValue({ ...input.data, before: input.before, after: input.after }),
      // Empty text is stored as null, so a CSV export's empty cell means exactly null.
      reason: input.reason || null,
      context: {
        requestId: this.context.requestId || null,
        sourceIp: this.context.sourceIp || null,
        userAgent: this.context.userAgent || null,
      },
      prevHash: head.hash,
    };
    const event: AuditEvent = { ...content, hash: computeEventHash(content) };

    await runner.query(
      `WITH appended AS (
         INSERT INTO audit_events (chain, seq, id, occurred_at, actor_id, actor_kind, actor_display_name, actor_roles,
           action, target_type, target_id, use_case_id, payload, reason, request_id, source_ip, user_agent, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
       )
       UPDATE audit_chain_heads SET seq = $2, hash = $19 WHERE chain = $1`,
      [
        event.chain, event.seq, event.id, event.occurredAt, event.actor.id, event.actor.kind, event.actor.displayName,
        event.actor.roles, event.action, event.target.type, event.target.id, event.useCaseId, JSON.stringify(event.payload),
        event.reason, event.context.requestId, event.context.sourceIp, event.context.userAgent, event.prevHash, event.hash,
      ],
    );
    return event;
  }
}

/**
 * What is hashed must be exactly what PostgreSQL gives back from jsonb, so the
 * payload goes through JSON once: dates become strings, undefined disappears.
 */
function toJsonValue(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}
