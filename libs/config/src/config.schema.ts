import { z } from 'zod';

/**
 * Every environment variable Gatehouse reads, in one place. The README's
 * configuration table mirrors this schema; keep them in step.
 */
const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();

const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

const postgresUrl = z
  .string()
  .url()
  .refine((value) => /^postgres(ql)?:\/\//.test(value), 'must start with postgres:// or postgresql://');

// The role names of libs/auth/src/roles.ts (config may not depend on it); a mapping to any other name is refused at start.
const orgRole = z.enum(['admin', 'legal', 'assessor', 'compliance_officer']);
const teamRole = z.enum(['developer', 'deployer']);

/** One OpenID Connect provider, as given in GATEHOUSE_OIDC_PROVIDERS (README, "Single sign-on"). */
export const oidcProviderSchema = z
  .object({
    // In the redirect URI (/api/auth/oidc/<id>/callback) and in user_identities: never rename a provider in use.
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be 1–40 lower-case letters, digits or dashes'),
    name: z.string().min(1).max(100),
    // Plain http only for a provider on this machine (development, tests): anywhere else the code and tokens would travel in clear.
    issuer: z
      .string()
      .url()
      .refine((value) => /^https:\/\//.test(value) || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/.test(value), 'must start with https:// (http:// only for localhost)'),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    scopes: z.array(z.string().regex(/^[\x21-\x7e]+$/)).default(['openid', 'email', 'profile']),
    rolesClaim: z.string().min(1).default('groups'),
    roleMap: z.record(z.string(), z.array(orgRole)).default({}),
    teamMap: z.record(z.string(), z.array(z.object({ team: z.string().min(1), role: teamRole }).strict())).default({}),
  })
  .strict();

const oidcProviders = z
  .string()
  .transform((value, ctx) => {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not valid JSON (expected an array of providers)' });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .array(oidcProviderSchema)
      .max(20)
      .refine((list) => new Set(list.map((p) => p.id)).size === list.length, 'two providers have the same id'),
  );

export const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  // 0 lets the system pick a free port (the ready log line says which).
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: postgresUrl.optional(),
  // The role the service runs as; the DATABASE_URL role (the owner) only migrates and grants.
  DATABASE_RUNTIME_URL: postgresUrl.optional(),
  DATABASE_POOL_SIZE: positiveInt.max(200).default(10),
  GATEHOUSE_DATA_DIR: z.string().min(1).default('./.gatehouse'),
  GATEHOUSE_EMBEDDED_PG_PORT: port.default(54329),
  GATEHOUSE_BODY_LIMIT_BYTES: positiveInt.default(1_048_576),
  GATEHOUSE_EVIDENCE_MAX_BYTES: positiveInt.default(104_857_600),
  GATEHOUSE_UPLOAD_IDLE_TIMEOUT_MS: positiveInt.max(600_000).default(30_000),
  GATEHOUSE_TRUST_PROXY: booleanFlag.default(false),
  GATEHOUSE_SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  GATEHOUSE_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  GATEHOUSE_ACCESS_TOKEN_TTL_SECONDS: positiveInt.max(86_400).default(900),
  // Browser sessions (the web app's cookie): an absolute lifetime, at most a week, and an idle timeout.
  GATEHOUSE_SESSION_TTL_HOURS: positiveInt.max(168).default(12),
  GATEHOUSE_SESSION_IDLE_MINUTES: positiveInt.max(10_080).default(60),
  GATEHOUSE_ADMIN_EMAIL: z.string().email().optional(),
  GATEHOUSE_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').max(256).optional(),
  GATEHOUSE_LOGIN_LIMIT_PER_ACCOUNT: positiveInt.default(5),
  GATEHOUSE_LOGIN_LIMIT_PER_ADDRESS: positiveInt.default(20),
  GATEHOUSE_LOGIN_LIMIT_WINDOW_SECONDS: positiveInt.default(60),
  // The Ed25519 key that signs audit checkpoints: a PKCS#8 PEM, given as a file or as the PEM itself (not both).
  // Unset: generated at first start and kept in GATEHOUSE_DATA_DIR.
  GATEHOUSE_AUDIT_SIGNING_KEY_FILE: z.string().min(1).optional(),
  GATEHOUSE_AUDIT_SIGNING_KEY: z.string().min(1).optional(),
  GATEHOUSE_CHECKPOINT_EVERY_EVENTS: positiveInt.default(1000),
  GATEHOUSE_CHECKPOINT_EVERY_SECONDS: positiveInt.max(86_400).default(300),
  // Webhooks: delivery from the sealed trail, retries, and which addresses an endpoint may have (SSRF).
  GATEHOUSE_WEBHOOK_POLL_MS: positiveInt.max(60_000).default(1000),
  GATEHOUSE_WEBHOOK_TIMEOUT_MS: positiveInt.max(120_000).default(10_000),
  GATEHOUSE_WEBHOOK_MAX_ATTEMPTS: positiveInt.max(100).default(8),
  GATEHOUSE_WEBHOOK_BACKOFF_BASE_MS: positiveInt.default(30_000),
  GATEHOUSE_WEBHOOK_BACKOFF_CAP_MS: positiveInt.default(3_600_000),
  GATEHOUSE_WEBHOOK_SECRET_OVERLAP_HOURS: z.coerce.number().int().min(0).max(720).default(24),
  GATEHOUSE_WEBHOOK_ALLOW_HTTP: booleanFlag.default(false),
  GATEHOUSE_WEBHOOK_ALLOW_LOOPBACK: booleanFlag.default(false),
  GATEHOUSE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: booleanFlag.default(false),
  // Notifications (docs in the README's "Email notifications"): where the web app is, for deep links;
  // SMTP, unset: email is off (notifications are still stored and shown in the app).
  GATEHOUSE_PUBLIC_URL: z.string().url().refine((value) => /^https?:\/\//.test(value), 'must start with http:// or https://').default('http://127.0.0.1:3000'),
  GATEHOUSE_SMTP_URL: z
    .string()
    .url()
    .refine((value) => /^smtps?:\/\//.test(value), 'must start with smtp:// or smtps://')
    .optional(),
  GATEHOUSE_MAIL_FROM: z.string().min(3).max(320).default('Gatehouse <gatehouse@localhost>'),
  GATEHOUSE_NOTIFICATION_POLL_MS: positiveInt.min(10).max(60_000).default(1000),
  GATEHOUSE_NOTIFICATION_RETRY_BASE_MS: positiveInt.max(3_600_000).default(30_000),
  GATEHOUSE_NOTIFICATION_MAX_ATTEMPTS: positiveInt.max(50).default(8),
  GATEHOUSE_NOTIFICATION_SCAN_SECONDS: positiveInt.max(86_400).default(3600),
  GATEHOUSE_OBLIGATION_NOTICE_DAYS: z.coerce.number().int().min(0).max(365).default(7),
  // Single sign-on (README, "Single sign-on"): a JSON array of OpenID Connect providers; unset: none.
  GATEHOUSE_OIDC_PROVIDERS: oidcProviders.optional(),
  // How long a started SSO sign-in may take at the provider before its state is refused.
  GATEHOUSE_OIDC_LOGIN_TIMEOUT_SECONDS: positiveInt.max(3600).default(600),
  // How long the provider's discovery document and keys may take to answer.
  GATEHOUSE_OIDC_HTTP_TIMEOUT_MS: positiveInt.max(60_000).default(5000),
  // SSO only: 'off' refuses sign-in with a password (POST /api/auth/login and /api/auth/session) to everyone
  // but the break-glass administrator, who keeps it for when the identity provider is down.
  GATEHOUSE_PASSWORD_SIGN_IN: z.enum(['on', 'off']).default('on'),
  GATEHOUSE_BREAK_GLASS_ADMIN_EMAIL: z.string().email().optional(),
});

export type Environment = z.infer<typeof environmentSchema>;
