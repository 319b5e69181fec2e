import pino from 'pino';
import { AppConfig, InvalidConfigError, loadConfig } from '@app/config';
import { EmbeddedPostgres, provisionEmbeddedRoles, startEmbeddedPostgres } from '@app/database';
import { createApp } from './app.setup';

/**
 * Service entry point: validate config, start the embedded PostgreSQL when no
 * DATABASE_URL is given (with its owner and runtime roles), start the app
 * (which applies migrations as the owner and then connects as the runtime
 * role), and shut everything down in order on SIGINT/SIGTERM.
 */
async function main() {
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof InvalidConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const log = pino({ level: config.log.level, base: { context: 'bootstrap' } });

  let embedded: EmbeddedPostgres | undefined;
  if (!config.database.url) {
    log.info({ dataDir: config.embeddedPostgres.dataDir, port: config.embeddedPostgres.port }, 'starting embedded PostgreSQL');
    embedded = await startEmbeddedPostgres({
      ...config.embeddedPostgres,
      onLog: (line) => log.debug({ postgres: line }),
    });
    try {
      const { ownerUrl, runtimeUrl } = await provisionEmbeddedRoles(embedded);
      config = { ...config, database: { ...config.database, url: ownerUrl, runtimeUrl, embedded: true } };
    } catch (error) {
      log.fatal({ err: error }, 'could not set up the embedded database roles');
      await embedded.stop();
      process.exit(1);
    }
  }

  let shuttingDown = false;
  const shutdown = async (reason: string, app?: { close(): Promise<void> }) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ reason }, 'shutting down');
    const deadline = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 10_000);
    try {
      await app?.close();
    } finally {
      await embedded?.stop();
      clearTimeout(deadline);
    }
  };

  try {
    const app = await createApp(config);
    await app.listen(config.http.port, config.http.host);
    const { port } = app.getHttpServer().address() as { port: number };
    log.info({ url: `http://${config.http.host}:${port}`, database: embedded ? 'embedded' : 'DATABASE_URL' }, 'Gatehouse is ready');
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => void shutdown(signal, app).then(() => process.exit(0), () => process.exit(1)));
    }
  } catch (error) {
    log.fatal({ err: error }, 'Gatehouse failed to start');
    await shutdown('startup failed');
    process.exit(1);
  }
}

void main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
