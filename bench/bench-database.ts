import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, runMigrations, runtimeRoleName, startEmbeddedPostgres } from '@app/database';

/** The server benchmarks create their databases on: DATABASE_URL's when set, else an embedded one in a temporary folder. */
export async function openBenchServer(options: { maxConnections?: number } = {}): Promise<{ url: string; embedded: boolean; stop(): Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, embedded: false, stop: async () => undefined };
  const dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-bench-'));
  await chmod(dir, 0o755);
  const embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pgdata'), port: 54400 + (process.pid % 500), maxConnections: options.maxConnections });
  return {
    url: embedded.url,
    embedded: true,
    stop: async () => {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A throw-away, migrated database `name` on the server at `serverUrl` (the database in that URL is left alone). */
export async function createBenchDatabase(serverUrl: string, name: string, poolSize: number) {
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const dataSource = new DataSource(buildDataSourceOptions({ url: url.toString(), poolSize }));
  await dataSource.initialize();
  await runMigrations(dataSource);
  return {
    dataSource,
    url: url.toString(),
    close: async () => {
      await dataSource.destroy();
      await admin(`DROP DATABASE ${name} WITH (FORCE)`);
      // A service started on it (the sign-off benchmark) provisioned this role; roles outlive databases.
      await admin(`DROP ROLE IF EXISTS ${runtimeRoleName(name)}`);
    },
  };
}

/**
 * A throw-away, migrated database for a benchmark run: on DATABASE_URL's server
 * when set (the database in the URL is left alone), else on an embedded server
 * in a temporary folder.
 */
export async function openBenchDatabase(poolSize: number, options: { maxConnections?: number } = {}) {
  const server = await openBenchServer(options);
  const database = await createBenchDatabase(server.url, `gatehouse_bench_${process.pid}`, poolSize);
  return {
    ...database,
    close: async () => {
      await database.close();
      await server.stop();
    },
  };
}
