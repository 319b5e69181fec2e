import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { OpenAPIObject } from '@nestjs/swagger';
import { loadConfig } from '@app/config';
import { AppModule } from '../app.module';
import { describeApi } from '../app.setup';

/**
 * The OpenAPI document without a database: Nest's preview mode reads the routes and
 * their metadata but instantiates nothing, so the web app's client can be generated
 * at build time, from the same description /api/docs-json serves.
 */
export async function previewApiDocument(): Promise<OpenAPIObject> {
  // Any well-formed configuration describes the same routes; nothing is connected to.
  const config = loadConfig({ ...process.env, DATABASE_URL: 'postgres://openapi@127.0.0.1:1/openapi' });
  const app = await NestFactory.create(AppModule.forRoot(config), { preview: true, logger: false, abortOnError: false });
  try {
    return describeApi(app);
  } finally {
    await app.close();
  }
}

/** Writes the document to the file named by the first argument, or to stdout. */
async function main() {
  const document = JSON.stringify(await previewApiDocument(), null, 2) + '\n';
  const target = process.argv[2];
  if (target) {
    // The web app's generated/ folder is not in the repository: a fresh clone has none yet.
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, document);
  }
  else process.stdout.write(document);
}

if (require.main === module) {
  void main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
