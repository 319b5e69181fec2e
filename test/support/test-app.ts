import { DynamicModule, Type } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { generateKeyPairSync } from 'node:crypto';
import { AuditSealer } from '@app/audit';
import supertest from 'supertest';
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { DATABASE_ACCESS, DatabaseAccess } from '@app/database';
import { createApp } from '../../apps/api/src/app.setup';
import { createTestDatabase, TestDatabase } from './test-database';

export const TEST_ADMIN = { email: 'admin@gatehouse.test', password: 'test-admin-password' };
export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789abcdef0123456789';
/**
 * The key test apps sign audit checkpoints with (one per test process), so that no
 * test writes a generated key into the working tree's data directory. A test of the
 * generated key passes GATEHOUSE_AUDIT_SIGNING_KEY: '' (unset) and a data directory.
 */
export const TEST_SIGNING_KEY_PEM = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

export interface TestApp {
  app: NestExpressApplication;
  http: () => ReturnType<typeof supertest>;
  /** The app's own pool: the runtime role, with only the privileges the service has. */
  dataSource: DataSource;
  /** How the app connects: the runtime role's name and URL. */
  access: DatabaseAccess;
  database: TestDatabase;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Extra environment, as the service would read it. */
  env?: Record<string, string>;
  /** An existing database to use instead of a fresh copy of the template. */
  database?: TestDatabase;
  /** Test-only modules mounted beside the real ones. */
  imports?: (Type | DynamicModule)[];
}

/**
 * The real application, on a database of its own, ready for supertest. It starts
 * as the service does on DATABASE_URL: the server's superuser owns the schema and
 * migrates, and the app provisions its runtime role and connects as it.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: database.url,
    GATEHOUSE_ADMIN_EMAIL: TEST_ADMIN.email,
    GATEHOUSE_ADMIN_PASSWORD: TEST_ADMIN.password,
    GATEHOUSE_JWT_SECRET: TEST_JWT_SECRET,
    // Tests sign in often from one address; the rate-limit test sets its own limits.
    GATEHOUSE_LOGIN_LIMIT_PER_ACCOUNT: '1000',
    GATEHOUSE_LOGIN_LIMIT_PER_ADDRESS: '1000',
    GATEHOUSE_AUDIT_SIGNING_KEY: TEST_SIGNING_KEY_PEM,
    ...options.env,
  });
  const app = await createApp(config, { imports: options.imports });
  await app.init();
  // What starting recorded (the first admin, the default policy and template) is in the chain before a test counts from its head.
  if (!(await app.get(AuditSealer).sealCommitted())) throw new Error('the events of the first start were not sealed');
  const ownsDatabase = !options.database;
  return {
    app,
    http: () => supertest(app.getHttpServer()),
    dataSource: app.get(DataSource),
    access: app.get<DatabaseAccess>(DATABASE_ACCESS),
    database,
    close: async () => {
      await app.close();
      if (ownsDatabase) await database.drop();
    },
  };
}
