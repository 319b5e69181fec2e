import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Set by test/global-setup.ts: a connection URL to the PostgreSQL server the
 * tests may create databases on, and the migrated template they copy.
 */
export const TEST_SERVER_URL_VARIABLE = 'GATEHOUSE_TEST_SERVER_URL';
export const TEST_TEMPLATE_VARIABLE = 'GATEHOUSE_TEST_TEMPLATE_DB';

export interface TestDatabase {
  name: string;
  url: string;
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
  return {
    name,
    url: databaseUrl(serverUrl, name),
    drop: () => withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`)).then(() => undefined),
  };
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
