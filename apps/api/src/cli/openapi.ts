import { writeFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@app/config';
import { AppModule } from '../app.module';
import { describeApi } from '../app.setup';

/**
 * Writes the OpenAPI document to the file named by the first argument (or stdout),
 * without a database: Nest's preview mode reads the routes and their metadata but
 * instantiates nothing, so the web app's client can be generated at build time.
 */
async function main() {
  // Any well-formed configuration describes the same routes; nothing is connected to.
  const config = loadConfig({ ...process.env, DATABASE_URL: 'postgres://openapi@127.0.0.1:1/openapi' });
  const app = await NestFactory.create(AppModule.forRoot(config), { preview: true, logger: false, abortOnError: false });
  const document = JSON.stringify(describeApi(app), null, 2) + '\n';
  const target = process.argv[2];
  if (target) writeFileSync(target, document);
  else process.stdout.write(document);
}

void main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
