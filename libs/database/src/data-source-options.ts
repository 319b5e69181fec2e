import { DataSourceOptions } from 'typeorm';
import { migrations } from '../../../migrations';

/** Documented in the README (Configuration → timeouts). */
export const DATABASE_TIMEOUTS = {
  /** Waiting for a pooled connection. */
  connectionMs: 5_000,
  /** One statement. */
  statementMs: 30_000,
  /** A transaction that sits idle, waiting on its client. */
  idleInTransactionMs: 60_000,
} as const;

export interface DatabaseConnectionSettings {
  url: string;
  poolSize: number;
}

/**
 * The one description of how Gatehouse talks to PostgreSQL, shared by the Nest
 * app, the migration command and the tests. Migrations are listed explicitly
 * (not globbed) so the compiled service, ts-jest and the CLI load the same set.
 */
export function buildDataSourceOptions(settings: DatabaseConnectionSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    applicationName: 'gatehouse',
    migrations,
    migrationsTableName: 'schema_migrations',
    // The schema is owned by migrations alone: no synchronising, and no CREATE EXTENSION at
    // connect (TypeORM installs uuid-ossp when an entity generates uuids; ids come from gen_random_uuid()).
    synchronize: false,
    installExtensions: false,
    migrationsRun: false,
    extra: {
      max: settings.poolSize,
      // Fail a request (503, Retry-After) rather than hang it when the pool is exhausted.
      connectionTimeoutMillis: DATABASE_TIMEOUTS.connectionMs,
      // No statement runs away with a connection; streamed exports and verification lift it for their own transaction.
      statement_timeout: DATABASE_TIMEOUTS.statementMs,
      // A transaction left open by a stuck request is ended by the server, freeing its locks and its connection.
      idle_in_transaction_session_timeout: DATABASE_TIMEOUTS.idleInTransactionMs,
    },
  };
}
