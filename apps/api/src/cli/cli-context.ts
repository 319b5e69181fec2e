import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { INestApplicationContext } from '@nestjs/common';
import { AuditModule } from '@app/audit';
import { AppConfig, ConfigModule, InvalidConfigError, loadConfig } from '@app/config';
import { connectOrStartEmbeddedPostgres, DatabaseModule } from '@app/database';
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
  if (embedded) config = { ...config, database: { ...config.database, url: embedded.url } };

  @Module({ imports: [ConfigModule.forRoot(config), RequestContextModule, DatabaseModule, AuditModule] })
  class CliModule {}

  let exitCode = 1;
  try {
    const app = await NestFactory.createApplicationContext(CliModule, { logger: ['error', 'warn'] });
    await app.init();
    try {
      exitCode = await task(app, config);
    } finally {
      await app.close();
    }
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  } finally {
    await embedded?.stop();
  }
  process.exit(exitCode);
}
