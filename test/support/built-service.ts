import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePortOutsideEphemeralRange } from '../global-setup';

/** The built service (`dist/`, produced by `npm test`'s build step), the file `npm start` runs. */
export const BUILT_MAIN = path.join(__dirname, '..', '..', 'dist', 'apps', 'api', 'src', 'main.js');

export interface BuiltService {
  /** http://127.0.0.1:<port> */
  base: string;
  /** Everything the service has logged so far. */
  output: () => string;
  /** SIGTERM, wait for the exit, delete its data directory. */
  stop: () => Promise<void>;
}

/**
 * Starts the built service as `npm start` would on a first run: its own
 * embedded PostgreSQL in a fresh temporary data directory, development mode,
 * none of the test run's database or admin settings, on PORT=0. Resolves when
 * /health/ready answers on the port its "Gatehouse is ready" log line names.
 */
export async function startBuiltService(timeoutMs = 45_000): Promise<BuiltService> {
  if (!existsSync(BUILT_MAIN)) throw new Error(`${BUILT_MAIN} is missing: run "npm run build" (npm test does) first.`);
  const home = await mkdtemp(path.join(tmpdir(), 'gatehouse-built-'));
  await chmod(home, 0o755);
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(DATABASE_|GATEHOUSE_|PORT$|HOST$|NODE_ENV$|LOG_LEVEL$)/.test(name)),
  );
  const env = {
    ...inherited,
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    PORT: '0',
    GATEHOUSE_DATA_DIR: path.join(home, 'state'),
    GATEHOUSE_EMBEDDED_PG_PORT: String(await freePortOutsideEphemeralRange()),
  };
  const child = spawn(process.execPath, [BUILT_MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(home, { recursive: true, force: true });
  };
  try {
    const port = await waitUntilReady(child, () => output, timeoutMs);
    return { base: `http://127.0.0.1:${port}`, output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Waits for the service's own "ready" log line and returns the port it names:
 * the service listens on PORT=0, so no other test's server can answer for it.
 */
export async function waitUntilReady(child: ChildProcess, output: () => string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`service exited early:\n${output()}`);
    const ready = /"url":"http:\/\/127\.0\.0\.1:(\d+)"[^\n]*"msg":"Gatehouse is ready"/.exec(output());
    if (ready) {
      const port = Number(ready[1]);
      if ((await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.status, () => 0)) === 200) return port;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`service not ready within ${timeoutMs} ms:\n${output()}`);
}
