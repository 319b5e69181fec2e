import { AuditActor, AuditReader, AuditTrail } from '@app/audit';
import { TestApp } from '@app/testing';

export const TEST_ACTOR: AuditActor = { id: 'test-runner', kind: 'system', displayName: 'Test runner', roles: [] };

/** A stand-in business table, so tests can pair a real change with its event. */
export async function createWidgetTable(t: TestApp) {
  await t.dataSource.query('CREATE TABLE IF NOT EXISTS widgets (id serial PRIMARY KEY, name text NOT NULL UNIQUE)');
}

/** Inserts a widget and records its event in one transaction, as domain code does. */
export async function createWidgetAudited(t: TestApp, name: string, options: { failAfterRecord?: boolean } = {}) {
  const trail = t.app.get(AuditTrail);
  return t.dataSource.transaction(async (manager) => {
    const [widget] = await manager.query('INSERT INTO widgets (name) VALUES ($1) RETURNING id', [name]);
    const event = await trail.record(manager, {
      action: 'use_case.created',
      target: { type: 'widget', id: String(widget.id) },
      after: { name },
      actor: TEST_ACTOR,
    });
    if (options.failAfterRecord) throw new Error('the change failed after its event was recorded');
    return event;
  });
}

export async function countRows(t: TestApp, table: 'widgets' | 'audit_events'): Promise<number> {
  const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`);
  return n;
}

export function verifyChain(t: TestApp) {
  return t.app.get(AuditReader).verify({}, { record: false });
}

/** Runs SQL on a separate connection with triggers disabled, as a superuser could. */
export async function tamperAsSuperuser(t: TestApp, sql: string, params: unknown[] = []) {
  const runner = t.dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SET session_replication_role = replica');
    await runner.query(sql, params);
  } finally {
    await runner.query('RESET session_replication_role');
    await runner.release();
  }
}

/** The chain's last seq: tests count from here, since starting the app records events of its own (the first admin). */
export async function headSeq(t: TestApp): Promise<number> {
  const [head] = await t.dataSource.query(`SELECT seq FROM audit_chain_heads WHERE chain = 'main'`);
  return Number(head.seq);
}
