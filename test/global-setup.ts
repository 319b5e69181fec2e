import { mkdtemp, chmod, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
// Jest's global setup does not apply moduleNameMapper, hence relative imports of files without aliases.
import { buildDataSourceOptions } from '../libs/database/src/data-source-options';
import { startEmbeddedPostgres } from '../libs/database/src/embedded-postgres';
import { runMigrations } from '../libs/database/src/migrate';
import { databaseUrl, dropOrphanedRuntimeRoles, TEST_SERVER_URL_VARIABLE, TEST_TEMPLATE_VARIABLE, withClient } from './support/test-database';

/**
 * Finds the PostgreSQL server for this run (DATABASE_URL's, or an embedded one
 * in a temporary folder) and prepares a migrated template database that each
 * test file copies. The user's own database is only used to create others.
 * The template has no runtime role: each test app provisions one for its copy.
 */
export default async function globalSetup() {
  // Jest runs every selected project's global setup in one process: a second project with this
  // setup (the browser specs) shares the server and template the first one prepared.
  if (process.env[TEST_SERVER_URL_VARIABLE]) return;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-test-'));
    await chmod(dir, 0o755);
    const embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pgdata'), port: await freePort() });
    serverUrl = embedded.url;
    globalThis.__gatehouseTestTeardown = async () => {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }
  await dropOrphanedRuntimeRoles(serverUrl);
  const template = `gatehouse_template_${process.pid}`;
  await withClient(serverUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${template} TEMPLATE template0 ENCODING 'UTF8'`);
  });
  const dataSource = new DataSource(buildDataSourceOptions({ url: databaseUrl(serverUrl, template), poolSize: 2 }));
  await dataSource.initialize();
  await runMigrations(dataSource);
  await dataSource.destroy();

  process.env[TEST_SERVER_URL_VARIABLE] = serverUrl;
  process.env[TEST_TEMPLATE_VARIABLE] = template;
  const previous = globalThis.__gatehouseTestTeardown;
  globalThis.__gatehouseTestTeardown = async () => {
    await withClient(serverUrl!, (client) => client.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`));
    await previous?.();
  };
}

/**
 * A free port below Linux's ephemeral range (32768 and up), for a server that
 * binds a moment later: no other test's `listen(0)` can be handed it meanwhile.
 */
export async function freePortOutsideEphemeralRange(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

declare global {
  // eslint-disable-next-line no-var
  var __gatehouseTestTeardown: (() => Promise<void>) | undefined;
}
