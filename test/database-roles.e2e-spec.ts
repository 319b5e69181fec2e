import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { withCredentials } from '@app/database';
import { createTestApp, createTestDatabase, TestDatabase, testServerUrl, withClient } from './support';

const asSuperuser = <T = Record<string, unknown>>(database: TestDatabase, sql: string, params: unknown[] = []) =>
  withClient(database.url, async (client) => (await client.query(sql, params)).rows as T[]);

/** Roles are the server's, not a database's: asked where the test database may already be gone. */
const roleExists = (role: string) =>
  withClient(testServerUrl(), async (client) => (await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount === 1);
const dropRole = (role: string) => withClient(testServerUrl(), (client) => client.query(`DROP ROLE IF EXISTS ${client.escapeIdentifier(role)}`));

/**
 * How the service settles its runtime role on DATABASE_URL. The embedded
 * server's roles are covered by service-process.e2e-spec.ts, which runs
 * `npm start`'s build on a new and on an earlier version's data directory.
 */
describe('the runtime role on DATABASE_URL', () => {
  it('is provisioned once: a restart reuses it and its password, re-applies the grants, and drop() removes it', async () => {
    const database = await createTestDatabase();
    try {
      const first = await createTestApp({ database });
      const role = database.runtimeRole;
      const credentials = await asSuperuser(database, 'SELECT role_name, password FROM runtime_role_credentials');
      const [verifier] = await asSuperuser(database, 'SELECT rolpassword FROM pg_authid WHERE rolname = $1', [role]);
      await first.close();

      // What a later migration, and a privilege granted by hand, leave behind.
      await asSuperuser(database, 'CREATE TABLE later_things (id serial PRIMARY KEY, name text)');
      await asSuperuser(database, `GRANT TRUNCATE ON use_cases TO ${role}`);

      const second = await createTestApp({ database });
      expect(second.access.url).toBe(first.access.url);
      expect(await asSuperuser(database, 'SELECT role_name, password FROM runtime_role_credentials')).toEqual(credentials);
      expect(await asSuperuser(database, 'SELECT rolpassword FROM pg_authid WHERE rolname = $1', [role])).toEqual([verifier]);
      const [privileges] = await asSuperuser(
        database,
        `SELECT has_table_privilege($1, 'later_things', 'INSERT') AS later_insert,
                has_sequence_privilege($1, 'later_things_id_seq', 'USAGE') AS later_sequence,
                has_table_privilege($1, 'use_cases', 'TRUNCATE') AS truncate_use_cases`,
        [role],
      );
      expect(privileges).toEqual({ later_insert: true, later_sequence: true, truncate_use_cases: false });
      await second.close();
      expect(await roleExists(role)).toBe(true);
    } finally {
      await database.drop();
    }
    expect(await roleExists(database.runtimeRole)).toBe(false);
  });

  it('is settled once when instances start together on an empty database', async () => {
    const database = await createTestDatabase({ empty: true });
    try {
      const [a, b] = await Promise.all([createTestApp({ database }), createTestApp({ database })]);
      expect(a.access).toMatchObject({ role: database.runtimeRole, leastPrivilege: true });
      expect(b.access.url).toBe(a.access.url);
      expect(await asSuperuser(database, 'SELECT count(*)::int AS n FROM runtime_role_credentials')).toEqual([{ n: 1 }]);
      await Promise.all([a.close(), b.close()]);
    } finally {
      await database.drop();
    }
  });

  it('is the operator\'s own when DATABASE_RUNTIME_URL is set: used as given, and granted the runtime privileges', async () => {
    const database = await createTestDatabase();
    const role = `gatehouse_test_operator_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    await asSuperuser(database, `CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    try {
      const t = await createTestApp({ database, env: { DATABASE_RUNTIME_URL: withCredentials(database.url, role, password) } });
      expect(t.access).toMatchObject({ role, leastPrivilege: true, problems: [] });
      expect(await t.dataSource.query('SELECT current_user AS role')).toEqual([{ role }]);
      expect(await t.dataSource.query(`SELECT has_table_privilege('audit_events', 'UPDATE') AS can_update`)).toEqual([{ can_update: false }]);
      expect(await roleExists(database.runtimeRole)).toBe(false);
      await t.close();
    } finally {
      await database.drop();
      await dropRole(role);
    }
  });

  it('cannot be made by an owner without CREATEROLE: the service still starts, as the owner, and says loudly that least privilege is off', async () => {
    const database = await createTestDatabase({ empty: true });
    const owner = `gatehouse_test_owner_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    await asSuperuser(database, `CREATE ROLE ${owner} LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB PASSWORD '${password}'`);
    await asSuperuser(database, `ALTER DATABASE ${database.name} OWNER TO ${owner}`);
    const warn = jest.spyOn(Logger.prototype, 'warn');
    try {
      const t = await createTestApp({ database: { ...database, url: withCredentials(database.url, owner, password) } });
      expect(t.access).toMatchObject({ role: owner, leastPrivilege: false });
      expect(t.access.problems.join()).toMatch(/may not create roles/);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^LEAST PRIVILEGE IS NOT IN FORCE: the service connects to PostgreSQL as gatehouse_test_owner_/));
      expect((await t.http().get('/health/ready')).status).toBe(200);
      await t.close();
    } finally {
      warn.mockRestore();
      await database.drop();
      await dropRole(owner);
    }
  });
});
