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

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).database.url).toBeUndefined();
  });
});
