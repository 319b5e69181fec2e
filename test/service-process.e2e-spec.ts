import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { withClient } from '@app/testing';
import { freePortOutsideEphemeralRange } from './global-setup';
import { DEVELOPMENT_ADMIN } from '../apps/api/src/modules/identity/bootstrap-admin';

/**
 * These run the built service (`dist/`, produced by `npm test`'s build step) as
 * a real process, the way `npm start` does, on an embedded PostgreSQL of its own.
 */
const MAIN = path.join(__dirname, '..', 'dist', 'apps', 'api', 'src', 'main.js');

interface RunningService {
  process: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startService(env: Record<string, string>): RunningService {
  // The service must not inherit the test run's DATABASE_URL: these tests are about the embedded server.
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, [MAIN], { env: { ...inherited, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { process: child, output: () => output, exited };
}

/**
 * Waits for the service's own "ready" log line and returns the port it names:
 * the service listens on PORT=0, so no other test's server can answer for it.
 */
async function waitUntilReady(service: RunningService, timeoutMs = 45_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.process.exitCode !== null) throw new Error(`service exited early:\n${service.output()}`);
    const ready = /"url":"http:\/\/127\.0\.0\.1:(\d+)"[^\n]*"msg":"Gatehouse is ready"/.exec(service.output());
    if (ready) {
      const port = Number(ready[1]);
      if ((await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.status, () => 0)) === 200) return port;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`service not ready within ${timeoutMs} ms:\n${service.output()}`);
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" (npm test does) first.`);
});

describe('the service process', () => {
  it('fails fast on invalid configuration, naming the variable', async () => {
    const service = startService({ PORT: 'eighty' });
    expect(await service.exited).toBe(1);
    expect(service.output()).toMatch(/PORT: .*eighty/);
  });

  it('runs on an embedded PostgreSQL, keeps data between runs, and stops it on SIGTERM', async () => {
    const home = await mkdtemp(path.join(tmpdir(), 'gatehouse-process-'));
    await chmod(home, 0o755);
    const dataDir = path.join(home, 'state');
    const env = {
      PORT: '0',
      GATEHOUSE_EMBEDDED_PG_PORT: String(await freePortOutsideEphemeralRange()),
      GATEHOUSE_DATA_DIR: dataDir,
    };
    const pgUrl = async () =>
      `postgres://postgres:${(await readFile(path.join(dataDir, 'embedded-postgres-password'), 'utf8')).trim()}@127.0.0.1:${env.GATEHOUSE_EMBEDDED_PG_PORT}/postgres`;
    try {
      const first = startService(env);
      const port = await waitUntilReady(first);
      const postmasterPid = Number((await readFile(path.join(dataDir, 'pgdata', 'postmaster.pid'), 'utf8')).split('\n')[0]);
      expect(isAlive(postmasterPid)).toBe(true);
      await withClient(await pgUrl(), (client) => client.query('CREATE TABLE kept_between_runs AS SELECT 42 AS answer'));

      // A newcomer can sign in at once with the documented development login, and no secret reaches the log.
      const base = `http://127.0.0.1:${port}`;
      const login = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(DEVELOPMENT_ADMIN),
      });
      expect(login.status).toBe(200);
      const { accessToken } = (await login.json()) as { accessToken: string };
      expect((await fetch(`${base}/api/me`, { headers: { Authorization: `Bearer ${accessToken}` } })).status).toBe(200);
      expect(first.output()).toContain('"reqId"');
      expect(first.output()).not.toContain(accessToken);
      expect(first.output()).not.toContain(DEVELOPMENT_ADMIN.password);

      first.process.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      expect(isAlive(postmasterPid)).toBe(false);

      const second = startService(env);
      await waitUntilReady(second);
      const rows = await withClient(await pgUrl(), (client) => client.query('SELECT answer FROM kept_between_runs'));
      expect(rows.rows).toEqual([{ answer: 42 }]);
      second.process.kill('SIGINT');
      expect(await second.exited).toBe(0);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

});
