import * as path from 'node:path';
import { z } from 'zod';
import { environmentSchema } from './config.schema';

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  http: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    trustProxy: boolean;
  };
  log: { level: string };
  database: {
    /** Set when DATABASE_URL is given; otherwise the embedded server provides it at start. */
    url?: string;
    poolSize: number;
  };
  embeddedPostgres: {
    dataDir: string;
    port: number;
  };
  shutdownTimeoutMs: number;
  audit: {
    /** Interim protection for the audit routes until identities exist (issue 4). */
    adminToken?: string;
  };
}

export class InvalidConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      'Invalid configuration:\n' +
        problems.map((problem) => `  ${problem.variable}: ${problem.message}`).join('\n'),
    );
    this.name = 'InvalidConfigError';
  }
}

/**
 * Reads and validates the environment once. Nothing else in Gatehouse reads
 * process.env: everything receives an AppConfig.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // Empty strings are how shells and compose files say "unset".
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    throw new InvalidConfigError(describeIssues(parsed.error, present));
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.GATEHOUSE_DATA_DIR);
  return {
    env: e.NODE_ENV,
    http: {
      host: e.HOST,
      port: e.PORT,
      bodyLimitBytes: e.GATEHOUSE_BODY_LIMIT_BYTES,
      trustProxy: e.GATEHOUSE_TRUST_PROXY,
    },
    log: { level: e.LOG_LEVEL },
    database: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE },
    embeddedPostgres: { dataDir: path.join(dataDir, 'pgdata'), port: e.GATEHOUSE_EMBEDDED_PG_PORT },
    shutdownTimeoutMs: e.GATEHOUSE_SHUTDOWN_TIMEOUT_MS,
    audit: { adminToken: e.GATEHOUSE_ADMIN_TOKEN },
  };
}

function describeIssues(error: z.ZodError, env: Record<string, string | undefined>) {
  return error.issues.map((issue) => {
    const variable = String(issue.path[0]);
    // Never echo secrets back, even in an error message.
    const shown = /TOKEN|PASSWORD|SECRET|URL/.test(variable) ? '' : ` (got "${env[variable]}")`;
    return { variable, message: `${issue.message}${env[variable] === undefined ? '' : shown}` };
  });
}
