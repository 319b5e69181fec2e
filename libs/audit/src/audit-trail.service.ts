import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { PreparedStatement } from '@app/database';
import { RequestContext } from '@app/request-context';
import { isAuditAction } from './audit-actions';
import { AuditChainDamagedError } from './audit-chain-damage';
import { AuditSealer } from './audit-sealer.service';
import { canonicalEventTemplate, DEFAULT_CHAIN } from './audit-chain';
import { AuditEvent, AuditEventInput, AuditEventShape } from './audit-event';
import { assertStorableText, toJsonPayload } from './audit-value';

// Exported from here so that the library's index stays as it is.
export { UnstorableAuditValueError } from './audit-value';
export { AuditChainDamagedError };

export class AuditOutsideTransactionError extends Error {
  override name = 'AuditOutsideTransactionError';
  constructor() {
    super('An audit event must be recorded with the EntityManager of the transaction that makes the change.');
  }
}

/** An event as written in its change's transaction: its place in the chain (seq, prevHash, hash) comes when it is sealed. */
export type PendingAuditEvent = Omit<AuditEvent, 'seq' | 'prevHash' | 'hash'> & { xid: bigint };

/**
 * The one way to write to the audit trail. It takes the transaction of the
 * change being recorded, so the change and its event commit together or not
 * at all; there is no other write path and no switch to turn it off.
 *
 * The event is written to audit_pending with no lock: writers commit side by
 * side. AuditSealer then seals committed events into the chain in the order
 * of their transactions' ids, only below the oldest transaction still open,
 * so a transaction that commits late cannot need a place already given
 * (docs/decisions/0011-seal-after-commit.md). The transaction id is noted in
 * the request's context: the response waits until the request's events are
 * in the chain (AuditSealedInterceptor), so whoever made a change reads its
 * event in the trail at once.
 *
 * A chain that holds an event after its recorded head (someone wrote to the
 * table directly) takes no more events: once a seal round has found it, the
 * write is refused with AuditChainDamagedError, and the change with it. The
 * check is the sealer's, not a query per write: on every write it cost about
 * a quarter of the writers' throughput (docs/decisions/0011-seal-after-commit.md).
 */
@Injectable()
export class AuditTrail {
  constructor(
    private readonly context: RequestContext,
    private readonly sealer: AuditSealer,
  ) {}

  async record(manager: EntityManager, input: AuditEventInput): Promise<PendingAuditEvent> {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) throw new AuditOutsideTransactionError();
    if (!isAuditAction(input.action)) throw new Error(`"${input.action}" is not in the audit action catalogue`);
    if (this.sealer.chainDamaged) throw new AuditChainDamagedError(undefined);
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

    const [pending] = await WRITE_PENDING.rows<{ xid: string; occurred_at: string }>(manager, [
      content.chain, content.id, content.actor.id, content.actor.kind, content.actor.displayName, content.actor.roles,
      content.action, content.target.type, content.target.id, content.useCaseId, JSON.stringify(content.payload),
      content.reason, content.context.requestId, content.context.sourceIp, content.context.userAgent, canonical,
    ]);
    const xid = BigInt(pending.xid);
    this.context.noteAuditTransaction(xid);
    return { ...content, occurredAt: pending.occurred_at, xid };
  }
}

/**
 * One statement, one round trip, no lock; prepared, since every change runs
 * it. The event's transaction id and time are set by the table's trigger, not
 * by the writer.
 */
const WRITE_PENDING = new PreparedStatement(
  'write_pending_audit_event',
  `INSERT INTO audit_pending (chain, event_id, actor_id, actor_kind, actor_display_name, actor_roles,
    action, target_type, target_id, use_case_id, payload, reason, request_id, source_ip, user_agent, canonical, xid, occurred_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, '0', '')
  RETURNING xid::text, occurred_at`,
);

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
