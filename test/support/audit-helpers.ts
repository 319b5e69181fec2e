import { escapeIdentifier } from 'pg';
import { randomUUID } from 'node:crypto';
import { AuditActor, AuditEvent, AuditEventInput, AuditEventShape, AuditReader, AuditSealer, AuditTrail, computeEventHash, PendingAuditEvent } from '@app/audit';
import { TestApp } from './test-app';
import { withClient } from './test-database';

export const TEST_ACTOR: AuditActor = { id: 'test-runner', kind: 'system', displayName: 'Test runner', roles: [] };

/**
 * A stand-in business table, so tests can pair a real change with its event.
 * Created by the owning role (the service's own role may not create tables)
 * and opened to the role the service's pool runs as.
 */
export async function createWidgetTable(t: TestApp) {
  const [{ role }] = await t.dataSource.query('SELECT current_user AS role');
  await withClient(t.database.url, async (owner) => {
    await owner.query('CREATE TABLE IF NOT EXISTS widgets (id serial PRIMARY KEY, name text NOT NULL UNIQUE)');
    await owner.query(`GRANT SELECT, INSERT ON widgets TO ${escapeIdentifier(role)}`);
    await owner.query(`GRANT USAGE ON SEQUENCE widgets_id_seq TO ${escapeIdentifier(role)}`);
  });
}

/** Inserts a widget and records its event in one transaction, as domain code does; answers with the event as sealed into the chain. */
export async function createWidgetAudited(t: TestApp, name: string, options: { failAfterRecord?: boolean } = {}): Promise<AuditEvent> {
  return sealedEvent(t, await createWidgetPending(t, name, options));
}

/** A widget and its event, committed; the event as written, before a seal round puts it in the chain. */
export async function createWidgetPending(t: TestApp, name: string, options: { failAfterRecord?: boolean } = {}): Promise<PendingAuditEvent> {
  const trail = t.app.get(AuditTrail);
  return t.dataSource.transaction(async (manager) => {
    const [widget] = await manager.query('INSERT INTO widgets (name) VALUES ($1) RETURNING id', [name]);
    const event = await trail.record(manager, anyEvent({
      action: 'use_case.created',
      target: { type: 'widget', id: String(widget.id) },
      after: { name },
      actor: TEST_ACTOR,
    }));
    if (options.failAfterRecord) throw new Error('the change failed after its event was recorded');
    return event;
  });
}

/** An event recorded in a transaction that has committed, as the chain holds it once sealed. */
export async function sealedEvent(t: TestApp, pending: PendingAuditEvent): Promise<AuditEvent> {
  const [event] = await t.app.get(AuditReader).sealed([pending]);
  if (!event) throw new Error(`event ${pending.id} was not sealed into the chain`);
  return event;
}

/** Seals every committed event into the chain: for tests that write outside a request, then read the trail's table. */
export async function sealCommitted(t: TestApp): Promise<void> {
  if (!(await t.app.get(AuditSealer).sealCommitted())) throw new Error('committed audit events are still pending');
}

export async function countRows(t: TestApp, table: 'widgets' | 'audit_events'): Promise<number> {
  const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`);
  return n;
}

export function verifyChain(t: TestApp) {
  return t.app.get(AuditReader).verify({}, { record: false });
}

/**
 * Runs SQL with triggers disabled, as a database superuser could: on a
 * connection of its own as the test database's owning role (a superuser on
 * the embedded server and on the DATABASE_URL the tests use).
 */
export async function tamperAsSuperuser(t: TestApp, sql: string, params: unknown[] = []) {
  await withClient(t.database.url, async (superuser) => {
    await superuser.query('SET session_replication_role = replica');
    await superuser.query(sql, params);
  });
}

/** The chain's last seq: tests count from here, since starting the app records events of its own (the first admin). */
export async function headSeq(t: TestApp): Promise<number> {
  const [head] = await t.dataSource.query(`SELECT seq FROM audit_chain_heads WHERE chain = 'main'`);
  return Number(head.seq);
}

/** Events in the trail with this action (read straight from the table, so reading records nothing). */
export async function countEvents(t: TestApp, action: string): Promise<number> {
  const [{ n }] = await t.dataSource.query('SELECT count(*)::int AS n FROM audit_events WHERE action = $1', [action]);
  return n;
}

/**
 * Inserts, as a superuser would, a well-formed event right after the recorded
 * head (linked to it and correctly hashed) without moving the head: the only
 * thing wrong is that the chain's head does not know about it.
 */
export async function forgeEventBeyondHead(t: TestApp): Promise<AuditEvent> {
  const [head] = await t.dataSource.query(`SELECT seq, hash FROM audit_chain_heads WHERE chain = 'main'`);
  const content: Omit<AuditEvent, 'hash'> = {
    chain: 'main',
    seq: Number(head.seq) + 1,
    id: randomUUID(),
    occurredAt: new Date().toISOString(),
    actor: TEST_ACTOR,
    action: 'use_case.created',
    target: { type: 'widget', id: 'forged' },
    useCaseId: null,
    payload: { after: { name: 'forged' } },
    reason: null,
    context: { requestId: null, sourceIp: null, userAgent: null },
    prevHash: head.hash,
  };
  const event = { ...content, hash: computeEventHash(content) };
  await tamperAsSuperuser(
    t,
    `INSERT INTO audit_events (chain, seq, id, occurred_at, actor_id, actor_kind, actor_display_name, actor_roles, action,
       target_type, target_id, use_case_id, payload, reason, request_id, source_ip, user_agent, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, $12, NULL, NULL, NULL, NULL, $13, $14)`,
    [event.chain, event.seq, event.id, event.occurredAt, event.actor.id, event.actor.kind, event.actor.displayName, event.actor.roles,
      event.action, event.target.type, event.target.id, JSON.stringify(event.payload), event.prevHash, event.hash],
  );
  return event;
}

/**
 * The chain's own tests record payloads of every shape, whatever the action:
 * the catalogue's per-action shapes (AuditDetails) bind domain code, not the
 * writer's handling of arbitrary JSON.
 */
export const anyEvent = (event: AuditEventShape) => event as AuditEventInput;
