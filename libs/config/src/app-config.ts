import { createPrivateKey, KeyObject, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { environmentSchema, oidcProviderSchema } from './config.schema';

/** An OpenID Connect provider people may sign in with (GATEHOUSE_OIDC_PROVIDERS). */
export type OidcProviderConfig = z.output<typeof oidcProviderSchema>;

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  http: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    trustProxy: boolean;
  };
  evidence: {
    /** Largest evidence file accepted (413 above). */
    maxBytes: number;
    /** An upload that sends nothing for this long is ended and discarded. */
    uploadIdleTimeoutMs: number;
  };
  log: { level: string };
  database: {
    /**
     * The owning role's connection: it runs the migrations and grants the runtime role
     * its privileges. Set when DATABASE_URL is given; otherwise the embedded server provides it at start.
     */
    url?: string;
    /**
     * The runtime role's connection, which the service's pool uses (DATABASE_RUNTIME_URL).
     * Unset: the service provisions a role of its own when the owner may create roles.
     */
    runtimeUrl?: string;
    poolSize: number;
    /** True when the URL is the embedded server's (development defaults apply). */
    embedded: boolean;
  };
  embeddedPostgres: {
    dataDir: string;
    port: number;
  };
  shutdownTimeoutMs: number;
  auth: {
    /** HS256 signing key for access tokens. Required in production; otherwise generated per process. */
    jwtSecret: string;
    accessTokenTtlSeconds: number;
    /** The web app's cookie sessions: ended this long after sign-in, or after this long unused. */
    browserSession: { ttlSeconds: number; idleTimeoutSeconds: number };
    /** The first administrator, created on an empty database. */
    bootstrapAdmin: { email?: string; password?: string };
    loginLimit: { perAccount: number; perAddress: number; windowSeconds: number };
    /** Single sign-on through OpenID Connect providers; none when the list is empty. */
    oidc: {
      providers: OidcProviderConfig[];
      /** A started sign-in's state, nonce and PKCE verifier are kept this long. */
      loginTimeoutSeconds: number;
      /** Discovery and token requests to a provider give up after this long. */
      httpTimeoutMs: number;
      publicUrl: string;
    };
    /** SSO only: with `enabled` false, only the break-glass administrator (by email) signs in with a password. */
    passwordSignIn: { enabled: boolean; breakGlassEmail?: string };
  };
  audit: {
    /**
     * The checkpoint signing key given in the environment, already checked to be an
     * Ed25519 private key; unset: generated at first start and kept at generatedKeyFile.
     */
    signingKey?: { pem: string; source: 'GATEHOUSE_AUDIT_SIGNING_KEY' | 'GATEHOUSE_AUDIT_SIGNING_KEY_FILE' };
    /** `<GATEHOUSE_DATA_DIR>/audit-signing-key.pem` (mode 0600). */
    generatedKeyFile: string;
    /** A checkpoint is signed once the head has moved this many events past the last one… */
    checkpointEveryEvents: number;
    /** …or this long after the last one, if the head moved at all. */
    checkpointEverySeconds: number;
  };
  webhooks: {
    /** How often each instance looks for endpoints with events to deliver. */
    pollMs: number;
    /** One delivery's whole request, connect to last byte read. */
    timeoutMs: number;
    /** Consecutive failures after which an endpoint is parked. */
    maxAttempts: number;
    /** Retry n waits about base × 2^(n−1), at most cap, with jitter. */
    backoffBaseMs: number;
    backoffCapMs: number;
    /** After a rotation, the previous secret signs too for this long. */
    secretOverlapSeconds: number;
    /** What an endpoint's address may be (checked at registration and at every delivery). */
    network: { allowHttp: boolean; allowLoopback: boolean; allowPrivate: boolean };
  };
  notifications: {
    /** Where people open the web app: notifications link into it (`<publicUrl>/reviews/<id>`). */
    publicUrl: string;
    /** `smtp://user:pass@host:587` (or smtps://); unset: email is off, notifications are only stored. */
    smtpUrl?: string;
    /** The From of every email. */
    mailFrom: string;
    /** How often each instance's worker looks for email to send. */
    pollMs: number;
    /** The first retry after a refusal waits this long; each further one twice as long (at most an hour). */
    retryBaseMs: number;
    /** Sending attempts before a notification's email is given up ('failed'). */
    maxAttempts: number;
    /** How often the due-soon scans (obligations, periodic reviews) run. */
    scanSeconds: number;
    /** An obligation's owner is told this many days before it falls due. */
    obligationNoticeDays: number;
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
  if (e.NODE_ENV === 'production' && !e.GATEHOUSE_JWT_SECRET) {
    throw new InvalidConfigError([{ variable: 'GATEHOUSE_JWT_SECRET', message: 'is required when NODE_ENV is production' }]);
  }
  if (Boolean(e.GATEHOUSE_ADMIN_EMAIL) !== Boolean(e.GATEHOUSE_ADMIN_PASSWORD)) {
    const missing = e.GATEHOUSE_ADMIN_EMAIL ? 'GATEHOUSE_ADMIN_PASSWORD' : 'GATEHOUSE_ADMIN_EMAIL';
    throw new InvalidConfigError([{ variable: missing, message: 'must be set together with the other GATEHOUSE_ADMIN_* variable' }]);
  }
  if (e.GATEHOUSE_WEBHOOK_BACKOFF_CAP_MS < e.GATEHOUSE_WEBHOOK_BACKOFF_BASE_MS) {
    throw new InvalidConfigError([{ variable: 'GATEHOUSE_WEBHOOK_BACKOFF_CAP_MS', message: 'must be at least GATEHOUSE_WEBHOOK_BACKOFF_BASE_MS' }]);
  }
  if (e.GATEHOUSE_PASSWORD_SIGN_IN === 'off' && !e.GATEHOUSE_OIDC_PROVIDERS?.length) {
    throw new InvalidConfigError([{ variable: 'GATEHOUSE_PASSWORD_SIGN_IN', message: 'can be off only with a single sign-on provider in GATEHOUSE_OIDC_PROVIDERS' }]);
  }
  if (e.DATABASE_RUNTIME_URL && !e.DATABASE_URL) {
    throw new InvalidConfigError([{ variable: 'DATABASE_RUNTIME_URL', message: 'needs DATABASE_URL (the owning role that migrates and grants)' }]);
  }
  const dataDir = path.resolve(e.GATEHOUSE_DATA_DIR);
  const signingKey = readSigningKey(e.GATEHOUSE_AUDIT_SIGNING_KEY, e.GATEHOUSE_AUDIT_SIGNING_KEY_FILE);
  return {
    env: e.NODE_ENV,
    http: {
      host: e.HOST,
      port: e.PORT,
      bodyLimitBytes: e.GATEHOUSE_BODY_LIMIT_BYTES,
      trustProxy: e.GATEHOUSE_TRUST_PROXY,
    },
    evidence: { maxBytes: e.GATEHOUSE_EVIDENCE_MAX_BYTES, uploadIdleTimeoutMs: e.GATEHOUSE_UPLOAD_IDLE_TIMEOUT_MS },
    log: { level: e.LOG_LEVEL },
    database: { url: e.DATABASE_URL, runtimeUrl: e.DATABASE_RUNTIME_URL, poolSize: e.DATABASE_POOL_SIZE, embedded: false },
    embeddedPostgres: { dataDir: path.join(dataDir, 'pgdata'), port: e.GATEHOUSE_EMBEDDED_PG_PORT },
    shutdownTimeoutMs: e.GATEHOUSE_SHUTDOWN_TIMEOUT_MS,
    auth: {
      // Tokens signed with a generated key stop working when the process restarts; fine outside production.
      jwtSecret: e.GATEHOUSE_JWT_SECRET ?? randomBytes(32).toString('base64url'),
      accessTokenTtlSeconds: e.GATEHOUSE_ACCESS_TOKEN_TTL_SECONDS,
      browserSession: { ttlSeconds: e.GATEHOUSE_SESSION_TTL_HOURS * 3600, idleTimeoutSeconds: e.GATEHOUSE_SESSION_IDLE_MINUTES * 60 },
      bootstrapAdmin: { email: e.GATEHOUSE_ADMIN_EMAIL, password: e.GATEHOUSE_ADMIN_PASSWORD },
      oidc: {
        providers: e.GATEHOUSE_OIDC_PROVIDERS ?? [],
        loginTimeoutSeconds: e.GATEHOUSE_OIDC_LOGIN_TIMEOUT_SECONDS,
        httpTimeoutMs: e.GATEHOUSE_OIDC_HTTP_TIMEOUT_MS,
        // Where the provider sends the browser back: <publicUrl>/api/auth/oidc/<id>/callback.
        publicUrl: e.GATEHOUSE_PUBLIC_URL.replace(/\/+$/, ''),
      },
      passwordSignIn: { enabled: e.GATEHOUSE_PASSWORD_SIGN_IN === 'on', breakGlassEmail: e.GATEHOUSE_BREAK_GLASS_ADMIN_EMAIL?.trim().toLowerCase() },
      loginLimit: {
        perAccount: e.GATEHOUSE_LOGIN_LIMIT_PER_ACCOUNT,
        perAddress: e.GATEHOUSE_LOGIN_LIMIT_PER_ADDRESS,
        windowSeconds: e.GATEHOUSE_LOGIN_LIMIT_WINDOW_SECONDS,
      },
    },
    audit: {
      signingKey,
      generatedKeyFile: path.join(dataDir, 'audit-signing-key.pem'),
      checkpointEveryEvents: e.GATEHOUSE_CHECKPOINT_EVERY_EVENTS,
      checkpointEverySeconds: e.GATEHOUSE_CHECKPOINT_EVERY_SECONDS,
    },
    webhooks: {
      pollMs: e.GATEHOUSE_WEBHOOK_POLL_MS,
      timeoutMs: e.GATEHOUSE_WEBHOOK_TIMEOUT_MS,
      maxAttempts: e.GATEHOUSE_WEBHOOK_MAX_ATTEMPTS,
      backoffBaseMs: e.GATEHOUSE_WEBHOOK_BACKOFF_BASE_MS,
      backoffCapMs: e.GATEHOUSE_WEBHOOK_BACKOFF_CAP_MS,
      secretOverlapSeconds: e.GATEHOUSE_WEBHOOK_SECRET_OVERLAP_HOURS * 3600,
      network: {
        allowHttp: e.GATEHOUSE_WEBHOOK_ALLOW_HTTP,
        allowLoopback: e.GATEHOUSE_WEBHOOK_ALLOW_LOOPBACK,
        allowPrivate: e.GATEHOUSE_WEBHOOK_ALLOW_PRIVATE_NETWORKS,
      },
    },
    notifications: {
      publicUrl: e.GATEHOUSE_PUBLIC_URL.replace(/\/+$/, ''),
      smtpUrl: e.GATEHOUSE_SMTP_URL,
      mailFrom: e.GATEHOUSE_MAIL_FROM,
      pollMs: e.GATEHOUSE_NOTIFICATION_POLL_MS,
      retryBaseMs: e.GATEHOUSE_NOTIFICATION_RETRY_BASE_MS,
      maxAttempts: e.GATEHOUSE_NOTIFICATION_MAX_ATTEMPTS,
      scanSeconds: e.GATEHOUSE_NOTIFICATION_SCAN_SECONDS,
      obligationNoticeDays: e.GATEHOUSE_OBLIGATION_NOTICE_DAYS,
    },
  };
}

/**
 * The signing key from the environment, checked here so that a bad key stops the
 * start with a message naming the variable. The messages never include the key.
 */
function readSigningKey(inline: string | undefined, file: string | undefined): AppConfig['audit']['signingKey'] {
  if (inline && file) {
    throw new InvalidConfigError([{ variable: 'GATEHOUSE_AUDIT_SIGNING_KEY', message: 'set either GATEHOUSE_AUDIT_SIGNING_KEY or GATEHOUSE_AUDIT_SIGNING_KEY_FILE, not both' }]);
  }
  if (!inline && !file) return undefined;
  const source = inline ? 'GATEHOUSE_AUDIT_SIGNING_KEY' : 'GATEHOUSE_AUDIT_SIGNING_KEY_FILE';
  let pem = inline;
  if (file) {
    try {
      pem = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'unreadable';
      throw new InvalidConfigError([{ variable: source, message: `cannot read the key file "${file}" (${code})` }]);
    }
  }
  const problem = ed25519KeyProblem(pem!);
  if (problem) throw new InvalidConfigError([{ variable: source, message: problem }]);
  return { pem: pem!, source };
}

/** Why `pem` is not a usable Ed25519 private key (PKCS#8 PEM), or undefined when it is one. */
export function ed25519KeyProblem(pem: string): string | undefined {
  if (!/-----BEGIN PRIVATE KEY-----/.test(pem)) {
    return 'is not a PKCS#8 PEM private key (expected "-----BEGIN PRIVATE KEY-----"; make one with: openssl genpkey -algorithm ed25519)';
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    return 'is not a readable PKCS#8 PEM private key';
  }
  if (key.asymmetricKeyType !== 'ed25519') return `is a ${key.asymmetricKeyType ?? 'non-asymmetric'} key, not an Ed25519 key`;
  return undefined;
}

function describeIssues(error: z.ZodError, env: Record<string, string | undefined>) {
  return error.issues.map((issue) => {
    const variable = String(issue.path[0]);
    // Never echo secrets back, even in an error message (the OIDC providers' JSON holds client secrets).
    const shown = /TOKEN|PASSWORD|SECRET|URL|SIGNING_KEY$|OIDC_PROVIDERS/.test(variable) ? '' : ` (got "${env[variable]}")`;
    // Inside a JSON value, say where: "[0].roleMap.gh-legal[0]: …".
    const where = issue.path.slice(1).map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('').replace(/^\./, '');
    return { variable, message: `${where ? `${where}: ` : ''}${issue.message}${env[variable] === undefined ? '' : shown}` };
  });
}
