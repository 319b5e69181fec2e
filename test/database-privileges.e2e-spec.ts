import { Client, DatabaseError } from 'pg';
import { RUNTIME_TABLE_PRIVILEGES } from '@app/database';
import { createTestApp, TEST_ADMIN, TestApp, withClient } from './support';

/**
 * The service's own connection — the runtime role — cannot rewrite the audit
 * trail by any route a database role could take: no privilege to change rows,
 * no ownership to disable or drop triggers, no superuser setting to bypass
 * them, nothing it could grant itself. Every refusal is checked by its
 * PostgreSQL error code and, where a trigger would raise the same code, by the
 * message that says it was the missing privilege, not the trigger, that refused.
 */
describe('the runtime role the service connects as', () => {
  let t: TestApp;
  let runtime: Client;
  const notices: { code?: string }[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    runtime = new Client({ connectionString: t.access.url });
    runtime.on('notice', (notice) => notices.push(notice));
    await runtime.connect();
  });
  afterAll(async () => {
    await runtime.end();
    await t.close();
  });

  async function refusal(sql: string): Promise<DatabaseError> {
    const error = await runtime.query(sql).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    if (!(error instanceof DatabaseError)) throw new Error(`expected PostgreSQL to refuse: ${sql}`);
    return error;
  }

  it('is the pool of the app, a role of its own, least-privileged', async () => {
    const [{ role }] = await t.dataSource.query('SELECT current_user AS role');
    expect(role).toBe(t.database.runtimeRole);
    expect(t.access).toMatchObject({ role: t.database.runtimeRole, leastPrivilege: true, problems: [] });
  });

  it('has no role attributes, is a member of no role, and owns nothing', async () => {
    const { rows } = await runtime.query(
      `SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls,
              (SELECT count(*)::int FROM pg_auth_members WHERE member = r.oid) AS memberships,
              (SELECT count(*)::int FROM pg_class WHERE relowner = r.oid) AS relations,
              (SELECT count(*)::int FROM pg_proc WHERE proowner = r.oid) AS functions,
              (SELECT count(*)::int FROM pg_namespace WHERE nspowner = r.oid) AS schemas,
              (SELECT count(*)::int FROM pg_database WHERE datdba = r.oid) AS databases
       FROM pg_roles r WHERE rolname = current_user`,
    );
    expect(rows).toEqual([
      { rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolreplication: false, rolbypassrls: false, memberships: 0, relations: 0, functions: 0, schemas: 0, databases: 0 },
    ]);
  });

  it.each([
    ['UPDATE audit_events', "UPDATE audit_events SET reason = 'rewritten' WHERE seq = 1"],
    ['DELETE audit_events', 'DELETE FROM audit_events WHERE seq = 1'],
    ['TRUNCATE audit_events', 'TRUNCATE audit_events'],
    ['DELETE audit_chain_heads', 'DELETE FROM audit_chain_heads'],
    ['TRUNCATE audit_chain_heads', 'TRUNCATE audit_chain_heads'],
    ['UPDATE audit_checkpoints', "UPDATE audit_checkpoints SET head_hash = repeat('0', 64)"],
    ['DELETE audit_checkpoints', 'DELETE FROM audit_checkpoints'],
    ['TRUNCATE audit_checkpoints', 'TRUNCATE audit_checkpoints'],
    ['UPDATE audit_signing_keys', "UPDATE audit_signing_keys SET public_key = 'forged'"],
    ['DELETE audit_signing_keys', 'DELETE FROM audit_signing_keys'],
    ['INSERT a second chain head', `INSERT INTO audit_chain_heads (chain, seq, hash) VALUES ('forged', 0, repeat('0', 64))`],
    ['append to the chain itself', `INSERT INTO audit_events (chain, seq, id, occurred_at, actor_id, actor_kind, actor_display_name, actor_roles, action, target_type, target_id, payload, prev_hash, hash)
      VALUES ('main', 999999, gen_random_uuid(), now(), 'x', 'system', 'x', '{}', 'audit.read', 'x', 'x', '{}', repeat('0', 64), repeat('0', 64))`],
    ['move the chain head', `UPDATE audit_chain_heads SET seq = seq + 1`],
    ['UPDATE a pending event', `UPDATE audit_pending SET reason = 'rewritten'`],
    ['DELETE a pending event', 'DELETE FROM audit_pending'],
    ['TRUNCATE the pending events', 'TRUNCATE audit_pending'],
    ['INSERT schema_migrations', `INSERT INTO schema_migrations (timestamp, name) VALUES (1, 'Forged1')`],
    ['read the runtime password', 'SELECT password FROM runtime_role_credentials'],
  ])('may not %s (42501, permission denied)', async (_what, sql) => {
    const error = await refusal(sql);
    expect(error.code).toBe('42501');
    // The audit triggers raise 42501 too: the message shows the privilege check refused first.
    expect(error.message).toMatch(/^permission denied for table /);
  });

  it.each([
    ['disable the audit triggers', 'ALTER TABLE audit_events DISABLE TRIGGER ALL'],
    ['disable one audit trigger', 'ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_or_delete'],
    ['drop an audit trigger', 'DROP TRIGGER audit_events_no_update_or_delete ON audit_events'],
    ['take the table over', 'ALTER TABLE audit_events OWNER TO CURRENT_USER'],
    ['drop audit_events', 'DROP TABLE audit_events'],
    ['drop audit_chain_heads', 'DROP TABLE audit_chain_heads'],
  ])('may not %s (42501, must be owner)', async (_what, sql) => {
    const error = await refusal(sql);
    expect(error.code).toBe('42501');
    expect(error.message).toMatch(/^must be owner of /);
  });

  it.each([
    ['bypass triggers with session_replication_role', 'SET session_replication_role = replica', /^permission denied to set parameter "session_replication_role"/],
    ['create a role', 'CREATE ROLE gatehouse_forged_role', /^permission denied to create role/],
    // PostgreSQL 15 says "must be superuser to … change superuser attribute"; 16 and later "permission denied to alter role".
    ['make itself superuser', 'ALTER ROLE CURRENT_USER SUPERUSER', /superuser|^permission denied to alter role/],
    ['replace the trigger function', `CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$`, /^permission denied for schema /],
    ['give itself CREATEROLE', 'ALTER ROLE CURRENT_USER CREATEROLE', /^permission denied/],
    ['create a table of its own', 'CREATE TABLE forged (id int)', /^permission denied for schema /],
    ['create a database', 'CREATE DATABASE gatehouse_forged', /^permission denied to create database/],
  ])('may not %s (42501)', async (_what, sql, message) => {
    const error = await refusal(sql);
    expect(error.code).toBe('42501');
    expect(error.message).toMatch(message);
  });

  it('may not become the owning role', async () => {
    const [{ owner }] = await withClient(t.database.url, async (client) => (await client.query('SELECT current_user AS owner')).rows);
    const error = await refusal(`SET ROLE ${runtime.escapeIdentifier(owner)}`);
    expect(error.code).toBe('42501');
    expect(error.message).toMatch(/^permission denied to set role/);
  });

  it('cannot grant itself UPDATE on events: PostgreSQL grants nothing (01007) and the UPDATE stays refused', async () => {
    for (const grantee of ['CURRENT_USER', 'PUBLIC']) {
      notices.length = 0;
      await runtime.query(`GRANT UPDATE, DELETE, TRUNCATE ON audit_events TO ${grantee}`);
      expect(notices.map((notice) => notice.code)).toEqual(['01007']);
    }
    const { rows } = await runtime.query(
      `SELECT has_table_privilege('audit_events', 'UPDATE') AS can_update, has_table_privilege('audit_events', 'TRUNCATE') AS can_truncate`,
    );
    expect(rows).toEqual([{ can_update: false, can_truncate: false }]);
    expect((await refusal('UPDATE audit_events SET reason = NULL')).message).toMatch(/^permission denied for table audit_events/);
  });

  it('holds exactly the runtime privileges on every table, and never TRUNCATE, REFERENCES or TRIGGER', async () => {
    const { rows } = await runtime.query<{ table: string; privileges: string[] }>(
      `SELECT c.relname AS table,
              array(SELECT p FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS p
                    WHERE has_table_privilege(c.oid, p)) AS privileges
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY c.relname`,
    );
    const tables = Object.fromEntries(rows.map((row) => [row.table, row.privileges]));
    expect(tables).toMatchObject({
      audit_events: ['SELECT'],
      audit_chain_heads: ['SELECT'],
      audit_pending: ['SELECT', 'INSERT'],
      audit_checkpoints: ['SELECT', 'INSERT'],
      audit_signing_keys: ['SELECT', 'INSERT'],
      schema_migrations: ['SELECT'],
      runtime_role_credentials: [],
      browser_sessions: ['SELECT', 'INSERT', 'UPDATE'],
      notifications: ['SELECT', 'INSERT', 'UPDATE'],
      use_cases: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
    });
    for (const [table, privileges] of Object.entries(tables)) {
      const expected = RUNTIME_TABLE_PRIVILEGES[table] ?? ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];
      expect({ table, privileges }).toEqual({ table, privileges: [...expected] });
    }
  });

  it('seals through seal_audit_events(), which runs as the owner: it cannot choose a pending event\'s place in the order or its time', async () => {
    await runtime.query('BEGIN');
    const { rows } = await runtime.query(
      `INSERT INTO audit_pending (chain, event_id, occurred_at, xid, actor_id, actor_kind, actor_display_name, actor_roles, action, target_type, target_id, payload, canonical)
       VALUES ('main', gen_random_uuid(), '1999-01-01T00:00:00.000Z', '3', 'x', 'system', 'x', '{}', 'audit.read', 'x', 'x', '{}', ARRAY['{', '', '', '}'])
       RETURNING xid::text = pg_current_xact_id()::text AS own_xid, occurred_at <> '1999-01-01T00:00:00.000Z' AS own_time`,
    );
    await runtime.query('ROLLBACK');
    expect(rows).toEqual([{ own_xid: true, own_time: true }]);
    const { rows: sealed } = await runtime.query('SELECT sealed FROM seal_audit_events(10)');
    expect(sealed).toHaveLength(1);
  });

  it('did what the service needs: the first start appended to the trail and moved its head', async () => {
    const { rows } = await runtime.query(`SELECT seq::int AS seq FROM audit_chain_heads WHERE chain = 'main'`);
    expect(rows[0].seq).toBeGreaterThan(0);
    const login = await t.http().post('/api/auth/login').send(TEST_ADMIN);
    expect(login.status).toBe(200);
  });
});
