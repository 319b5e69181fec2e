import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { InvalidConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('applies documented defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(3000);
    expect(config.http.host).toBe('127.0.0.1');
    expect(config.database.url).toBeUndefined();
    expect(config.embeddedPostgres.port).toBe(54329);
    expect(config.embeddedPostgres.dataDir).toMatch(/\.gatehouse\/pgdata$/);
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT: .*"eighty"/);
  });

  it('reports every bad variable at once', () => {
    try {
      loadConfig({ PORT: '70000', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
      throw new Error('expected loadConfig to throw');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidConfigError);
      const variables = (error as InvalidConfigError).problems.map((p) => p.variable).sort();
      expect(variables).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT']);
    }
  });

  it('never echoes a secret value in the error', () => {
    expect(() => loadConfig({ GATEHOUSE_JWT_SECRET: 'short-secret' })).toThrow(/GATEHOUSE_JWT_SECRET: must be at least 32 characters$/m);
    expect(() => loadConfig({ GATEHOUSE_JWT_SECRET: 'short-secret' })).not.toThrow(/short-secret/);
    expect(() => loadConfig({ GATEHOUSE_ADMIN_EMAIL: 'a@b.test', GATEHOUSE_ADMIN_PASSWORD: 'short' })).not.toThrow(/short"/);
  });

  it('requires a JWT secret in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/GATEHOUSE_JWT_SECRET: is required/);
    expect(loadConfig({ NODE_ENV: 'production', GATEHOUSE_JWT_SECRET: 'x'.repeat(32) }).auth.jwtSecret).toBe('x'.repeat(32));
  });

  it('requires the bootstrap admin email and password together', () => {
    expect(() => loadConfig({ GATEHOUSE_ADMIN_EMAIL: 'admin@example.test' })).toThrow(/GATEHOUSE_ADMIN_PASSWORD/);
  });

  it('takes a runtime database URL only beside DATABASE_URL', () => {
    expect(() => loadConfig({ DATABASE_RUNTIME_URL: 'postgres://app@db/gatehouse' })).toThrow(/DATABASE_RUNTIME_URL: needs DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://owner@db/gatehouse', DATABASE_RUNTIME_URL: 'mysql://app@db' })).toThrow(/DATABASE_RUNTIME_URL/);
    const config = loadConfig({ DATABASE_URL: 'postgres://owner@db/gatehouse', DATABASE_RUNTIME_URL: 'postgres://app@db/gatehouse' });
    expect(config.database).toMatchObject({ url: 'postgres://owner@db/gatehouse', runtimeUrl: 'postgres://app@db/gatehouse' });
  });

  it('gives browser sessions 12 hours at most and an hour idle, unless told otherwise, and a week at the very most', () => {
    expect(loadConfig({}).auth.browserSession).toEqual({ ttlSeconds: 12 * 3600, idleTimeoutSeconds: 3600 });
    expect(loadConfig({ GATEHOUSE_SESSION_TTL_HOURS: '168', GATEHOUSE_SESSION_IDLE_MINUTES: '15' }).auth.browserSession).toEqual({
      ttlSeconds: 168 * 3600,
      idleTimeoutSeconds: 900,
    });
    expect(() => loadConfig({ GATEHOUSE_SESSION_TTL_HOURS: '169' })).toThrow(/GATEHOUSE_SESSION_TTL_HOURS: .*"169"/);
    expect(() => loadConfig({ GATEHOUSE_SESSION_IDLE_MINUTES: '0' })).toThrow(/GATEHOUSE_SESSION_IDLE_MINUTES/);
  });

  it('keeps email off unless an SMTP URL is given, and links to the local web app by default', () => {
    expect(loadConfig({}).notifications).toEqual({
      publicUrl: 'http://127.0.0.1:3000',
      smtpUrl: undefined,
      mailFrom: 'Gatehouse <gatehouse@localhost>',
      pollMs: 1000,
      retryBaseMs: 30_000,
      maxAttempts: 8,
      scanSeconds: 3600,
      obligationNoticeDays: 7,
    });
    const configured = loadConfig({ GATEHOUSE_SMTP_URL: 'smtp://user:pass@mail.example.com:587', GATEHOUSE_PUBLIC_URL: 'https://gatehouse.example.com/', GATEHOUSE_NOTIFICATION_POLL_MS: '250' });
    expect(configured.notifications).toMatchObject({ smtpUrl: 'smtp://user:pass@mail.example.com:587', publicUrl: 'https://gatehouse.example.com', pollMs: 250 });
  });

  it('refuses an SMTP URL of another scheme without echoing it (it holds a password)', () => {
    expect(() => loadConfig({ GATEHOUSE_SMTP_URL: 'http://user:hunter2@mail.example.com' })).toThrow(/GATEHOUSE_SMTP_URL: must start with smtp:\/\/ or smtps:\/\//);
    expect(() => loadConfig({ GATEHOUSE_SMTP_URL: 'http://user:hunter2@mail.example.com' })).not.toThrow(/hunter2/);
    expect(() => loadConfig({ GATEHOUSE_PUBLIC_URL: 'ftp://example.com' })).toThrow(/GATEHOUSE_PUBLIC_URL/);
    expect(() => loadConfig({ GATEHOUSE_NOTIFICATION_POLL_MS: '0' })).toThrow(/GATEHOUSE_NOTIFICATION_POLL_MS/);
  });

  it('delivers webhooks every second, with 8 attempts, a day of secret overlap, and only to public https addresses by default', () => {
    expect(loadConfig({}).webhooks).toEqual({
      pollMs: 1000,
      timeoutMs: 10_000,
      maxAttempts: 8,
      backoffBaseMs: 30_000,
      backoffCapMs: 3_600_000,
      secretOverlapSeconds: 24 * 3600,
      network: { allowHttp: false, allowLoopback: false, allowPrivate: false },
    });
    const local = loadConfig({ GATEHOUSE_WEBHOOK_ALLOW_HTTP: 'true', GATEHOUSE_WEBHOOK_ALLOW_LOOPBACK: '1', GATEHOUSE_WEBHOOK_SECRET_OVERLAP_HOURS: '0' }).webhooks;
    expect(local).toMatchObject({ secretOverlapSeconds: 0, network: { allowHttp: true, allowLoopback: true, allowPrivate: false } });
    expect(() => loadConfig({ GATEHOUSE_WEBHOOK_BACKOFF_BASE_MS: '5000', GATEHOUSE_WEBHOOK_BACKOFF_CAP_MS: '1000' })).toThrow(/GATEHOUSE_WEBHOOK_BACKOFF_CAP_MS/);
    expect(() => loadConfig({ GATEHOUSE_WEBHOOK_ALLOW_LOOPBACK: 'yes' })).toThrow(/GATEHOUSE_WEBHOOK_ALLOW_LOOPBACK/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).database.url).toBeUndefined();
  });

  describe('the audit signing key', () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

    it('is generated into the data directory when none is given', () => {
      const config = loadConfig({ GATEHOUSE_DATA_DIR: '/var/lib/gatehouse' });
      expect(config.audit).toEqual({ signingKey: undefined, generatedKeyFile: '/var/lib/gatehouse/audit-signing-key.pem', checkpointEveryEvents: 1000, checkpointEverySeconds: 300 });
    });

    it('is read from the environment or a file', () => {
      expect(loadConfig({ GATEHOUSE_AUDIT_SIGNING_KEY: pem }).audit.signingKey).toEqual({ pem, source: 'GATEHOUSE_AUDIT_SIGNING_KEY' });
      const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-config-'));
      try {
        writeFileSync(path.join(dir, 'key.pem'), pem);
        expect(loadConfig({ GATEHOUSE_AUDIT_SIGNING_KEY_FILE: path.join(dir, 'key.pem') }).audit.signingKey).toEqual({ pem, source: 'GATEHOUSE_AUDIT_SIGNING_KEY_FILE' });
        expect(() => loadConfig({ GATEHOUSE_AUDIT_SIGNING_KEY_FILE: path.join(dir, 'missing.pem') })).toThrow(/GATEHOUSE_AUDIT_SIGNING_KEY_FILE: cannot read the key file .*missing\.pem" \(ENOENT\)/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('fails fast on a key that is not Ed25519, never echoing it', () => {
      const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      expect(() => loadConfig({ GATEHOUSE_AUDIT_SIGNING_KEY: rsa })).toThrow(/GATEHOUSE_AUDIT_SIGNING_KEY: is a rsa key, not an Ed25519 key$/m);
      const garbled = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n';
      expect(() => loadConfig({ GATEHOUSE_AUDIT_SIGNING_KEY: garbled })).toThrow(/GATEHOUSE_AUDIT_SIGNING_KEY: is not a readable PKCS#8 PEM private key$/m);
      expect(() => loadConfig({ GATEHOUSE_AUDIT_SIGNING_KEY: 'top-secret-not-a-key' })).toThrow(/GATEHOUSE_AUDIT_SIGNING_KEY: is not a PKCS#8 PEM private key/);
      expect(() => loadConfig({ GATEHOUSE_AUDIT_SIGNING_KEY: 'top-secret-not-a-key' })).not.toThrow(/top-secret/);
      expect(() => loadConfig({ GATEHOUSE_AUDIT_SIGNING_KEY: pem, GATEHOUSE_AUDIT_SIGNING_KEY_FILE: '/x.pem' })).toThrow(/not both/);
    });
  });

  describe('single sign-on providers', () => {
    const acme = {
      id: 'acme',
      name: 'Acme SSO',
      issuer: 'https://login.acme.test/realms/staff',
      clientId: 'gatehouse',
      clientSecret: 'very-secret-value',
      roleMap: { 'gh-legal': ['legal'] },
      teamMap: { 'claims-dev': [{ team: 'Claims', role: 'developer' }] },
    };

    it('are none by default, and read from JSON with defaults for scopes and the claim', () => {
      expect(loadConfig({}).auth.oidc.providers).toEqual([]);
      const config = loadConfig({ GATEHOUSE_OIDC_PROVIDERS: JSON.stringify([acme]), GATEHOUSE_PUBLIC_URL: 'https://gatehouse.example.com/' });
      expect(config.auth.oidc.providers).toEqual([{ ...acme, scopes: ['openid', 'email', 'profile'], rolesClaim: 'groups' }]);
      expect(config.auth.oidc.publicUrl).toBe('https://gatehouse.example.com');
    });

    it('say what is wrong and where, never echoing the client secret', () => {
      const load = (value: unknown) => () => loadConfig({ GATEHOUSE_OIDC_PROVIDERS: typeof value === 'string' ? value : JSON.stringify(value) });
      expect(load('[{"id": "acme",')).toThrow(/GATEHOUSE_OIDC_PROVIDERS: is not valid JSON/);
      expect(load([{ ...acme, roleMap: { 'gh-legal': ['lawyer'] } }])).toThrow(/GATEHOUSE_OIDC_PROVIDERS: \[0\]\.roleMap\.gh-legal\[0\]: /);
      expect(load([{ ...acme, teamMap: { x: [{ team: 'Claims', role: 'owner' }] } }])).toThrow(/\[0\]\.teamMap\.x\[0\]\.role: /);
      expect(load([{ ...acme, issuer: 'not a url' }])).toThrow(/\[0\]\.issuer: /);
      expect(load([{ ...acme, issuer: 'http://login.acme.test/' }])).toThrow(/\[0\]\.issuer: must start with https:\/\/ \(http:\/\/ only for localhost\)/);
      expect(load([{ ...acme, issuer: 'http://127.0.0.1:8080/realms/dev' }])).not.toThrow();
      expect(load([{ ...acme, id: 'Acme SSO' }])).toThrow(/\[0\]\.id: must be 1–40 lower-case letters/);
      expect(load([{ ...acme, clientSecret: undefined }])).toThrow(/\[0\]\.clientSecret: /);
      expect(load([acme, acme])).toThrow(/two providers have the same id/);
      expect(load([{ ...acme, clientSecret: 'very-secret-value', issuer: 'nope' }])).not.toThrow(/very-secret-value/);
    });
  });

  it('keeps password sign-in on unless told otherwise, and turns it off only beside a single sign-on provider', () => {
    expect(loadConfig({}).auth.passwordSignIn).toEqual({ enabled: true, breakGlassEmail: undefined });
    expect(() => loadConfig({ GATEHOUSE_PASSWORD_SIGN_IN: 'off' })).toThrow(/GATEHOUSE_PASSWORD_SIGN_IN: can be off only with a single sign-on provider/);
    const providers = JSON.stringify([{ id: 'acme', name: 'Acme', issuer: 'https://login.acme.test', clientId: 'c', clientSecret: 's' }]);
    const off = loadConfig({ GATEHOUSE_PASSWORD_SIGN_IN: 'off', GATEHOUSE_OIDC_PROVIDERS: providers, GATEHOUSE_BREAK_GLASS_ADMIN_EMAIL: 'Root@Example.com' });
    expect(off.auth.passwordSignIn).toEqual({ enabled: false, breakGlassEmail: 'root@example.com' });
    expect(() => loadConfig({ GATEHOUSE_PASSWORD_SIGN_IN: 'no' })).toThrow(/GATEHOUSE_PASSWORD_SIGN_IN/);
  });
});
