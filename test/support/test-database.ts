import { randomBytes } from 'node:crypto';
// By path, not @app/database: Jest's global setup imports this file without the alias mapping.
import { runtimeRoleName } from '../../libs/database/src/runtime-role';
import { withClient } from '../../libs/database/src/with-client';

/**
 * Set by test/global-setup.ts: a connection URL to the PostgreSQL server the
 * tests may create databases on, and the migrated template they copy.
 */
export const TEST_SERVER_URL_VARIABLE = 'GATEHOUSE_TEST_SERVER_URL';
export const TEST_TEMPLATE_VARIABLE = 'GATEHOUSE_TEST_TEMPLATE_DB';

export interface TestDatabase {
  name: string;
  /** The server's superuser in this database: the owning role of its schema, and able to tamper as a superuser could. */
  url: string;
  /** The role a service started on this database provisions and runs as. */
  runtimeRole: string;
  /** Drops the database and its runtime role (roles are cluster-wide and would pile up). */
  drop(): Promise<void>;
}

export function testServerUrl(): string {
  const url = process.env[TEST_SERVER_URL_VARIABLE];
  if (!url) throw new Error(`${TEST_SERVER_URL_VARIABLE} is not set: run the e2e tests through Jest's global setup.`);
  return url;
}

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * A database of this test file's own, so files run in parallel without seeing
 * each other's rows. By default it is a copy of the migrated template (fast);
 * `{ empty: true }` gives one with no schema at all.
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  const name = `gatehouse_test_${randomBytes(6).toString('hex')}`;
  const template = options.empty ? 'template0' : process.env[TEST_TEMPLATE_VARIABLE];
  await withClient(serverUrl, async (client) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)} TEMPLATE ${client.escapeIdentifier(template!)}`);
        return;
      } catch (error) {
        // Two copies of one template at the same instant: "source database is being accessed by other users".
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
      }
    }
  });
  const runtimeRole = runtimeRoleName(name);
  return {
    name,
    url: databaseUrl(serverUrl, name),
    runtimeRole,
    drop: () =>
      withClient(serverUrl, async (client) => {
        // Dropping the database drops the role's grants in it, so the role can go next.
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
        await client.query(`DROP ROLE IF EXISTS ${client.escapeIdentifier(runtimeRole)}`);
      }),
  };
}

/**
 * Runtime roles left by test runs that were killed before their databases were
 * dropped: a role named after a test database that no longer exists.
 */
export async function dropOrphanedRuntimeRoles(serverUrl: string): Promise<void> {
  await withClient(serverUrl, async (client) => {
    const { rows } = await client.query<{ role: string }>(
      `SELECT rolname AS role FROM pg_roles WHERE rolname LIKE 'gatehouse\\_test\\_%\\_runtime'`,
    );
    const { rows: databases } = await client.query<{ datname: string }>('SELECT datname FROM pg_database');
    const existing = new Set(databases.map((database) => runtimeRoleName(database.datname)));
    for (const { role } of rows.filter((row) => !existing.has(row.role))) {
      // Another run may be between creating its database and its role, or dropping them: never fail the setup over it.
      await client.query(`DROP ROLE IF EXISTS ${client.escapeIdentifier(role)}`).catch(() => undefined);
    }
  });
}

export { withClient };
