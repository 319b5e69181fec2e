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
      loadConfig({ PORT: '0', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
      throw new Error('expected loadConfig to throw');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidConfigError);
      const variables = (error as InvalidConfigError).problems.map((p) => p.variable).sort();
      expect(variables).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT']);
    }
  });

  it('never echoes a secret value in the error', () => {
    expect(() => loadConfig({ GATEHOUSE_ADMIN_TOKEN: 'short-secret' })).toThrow(
      /GATEHOUSE_ADMIN_TOKEN: must be at least 32 characters$/m,
    );
    expect(() => loadConfig({ GATEHOUSE_ADMIN_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).database.url).toBeUndefined();
  });
});
