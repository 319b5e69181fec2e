import { DataSourceOptions } from 'typeorm';
import { migrations } from '../../../migrations';

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
    // The schema is owned by migrations alone.
    synchronize: false,
    migrationsRun: false,
    extra: {
      max: settings.poolSize,
      // Fail a request rather than hang it when the pool is exhausted.
      connectionTimeoutMillis: 10_000,
    },
  };
}
