import { Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { buildDataSourceOptions } from './data-source-options';
import { DatabaseAccess, prepareDatabase } from './prepare-database';

/** The DatabaseAccess this process settled on at start (which role its pool uses, and whether that is least-privileged). */
export const DATABASE_ACCESS = Symbol('DATABASE_ACCESS');

/**
 * Migrations and grants run as the owning role before anything else in the
 * app can reach the database; then the pool opens as the runtime role.
 */
@Module({
  providers: [
    {
      provide: DATABASE_ACCESS,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig): Promise<DatabaseAccess> => {
        if (!config.database.url) {
          throw new Error('No database URL: main.ts starts the embedded server before creating the app.');
        }
        const access = await prepareDatabase({ ownerUrl: config.database.url, runtimeUrl: config.database.runtimeUrl });
        reportAccess(access);
        return access;
      },
    },
  ],
  exports: [DATABASE_ACCESS],
})
class DatabaseAccessModule {}

function reportAccess(access: DatabaseAccess) {
  const logger = new Logger('Database');
  if (access.appliedMigrations.length > 0) logger.log(`applied migrations: ${access.appliedMigrations.join(', ')}`);
  if (access.leastPrivilege) {
    logger.log(`connected as runtime role ${access.role}`);
    return;
  }
  // Loud on purpose: the audit trail's protection against the service's own credentials is off.
  logger.warn(
    `LEAST PRIVILEGE IS NOT IN FORCE: the service connects to PostgreSQL as ${access.role}, which could ` +
      `disable the audit triggers or rewrite history. ${access.problems.join('; ')}. Set DATABASE_RUNTIME_URL ` +
      `or give the DATABASE_URL role CREATEROLE (README: "What the database protects, and what it cannot").`,
  );
}

@Global()
@Module({
  imports: [
    DatabaseAccessModule,
    TypeOrmModule.forRootAsync({
      imports: [DatabaseAccessModule],
      inject: [APP_CONFIG, DATABASE_ACCESS],
      useFactory: (config: AppConfig, access: DatabaseAccess) => ({
        ...buildDataSourceOptions({ url: access.url, poolSize: config.database.poolSize }),
        autoLoadEntities: true,
      }),
    }),
  ],
  exports: [DatabaseAccessModule],
})
export class DatabaseModule {}
