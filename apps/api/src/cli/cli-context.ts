import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { INestApplicationContext } from '@nestjs/common';
import { AuditModule } from '@app/audit';
import { AppConfig, ConfigModule, InvalidConfigError, loadConfig } from '@app/config';
import { connectOrStartEmbeddedPostgres, DatabaseModule, EmbeddedPostgres, provisionEmbeddedRoles } from '@app/database';
import { RequestContextModule } from '@app/request-context';

/**
 * Runs a command-line task with the service's own modules (config, database,
 * audit), on DATABASE_URL or on the embedded server, started if need be.
 */
export async function runCliTask(task: (app: INestApplicationContext, config: AppConfig) => Promise<number>): Promise<never> {
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    process.stderr.write(`${error instanceof InvalidConfigError ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const embedded = config.database.url ? undefined : await connectOrStartEmbeddedPostgres(config.embeddedPostgres);

  let exitCode = 1;
  try {
    if (embedded) config = await useEmbeddedRoles(config, embedded);
    exitCode = await runInContext(config, task);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  } finally {
    await embedded?.stop();
  }
  process.exit(exitCode);
}

/** The embedded server's owner migrates; the runtime role does the work, as in the service. */
async function useEmbeddedRoles(config: AppConfig, embedded: EmbeddedPostgres): Promise<AppConfig> {
  const { ownerUrl, runtimeUrl } = await provisionEmbeddedRoles(embedded);
  return { ...config, database: { ...config.database, url: ownerUrl, runtimeUrl, embedded: true } };
}

async function runInContext(config: AppConfig, task: (app: INestApplicationContext, config: AppConfig) => Promise<number>): Promise<number> {
  @Module({ imports: [ConfigModule.forRoot(config), RequestContextModule, DatabaseModule, AuditModule] })
  class CliModule {}

  const app = await NestFactory.createApplicationContext(CliModule, { logger: ['error', 'warn'] });
  await app.init();
  try {
    return await task(app, config);
  } finally {
    await app.close();
  }
}
