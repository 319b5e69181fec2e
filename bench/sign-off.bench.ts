/**
 * Sign-off benchmark. Drives POST /api/reviews/:id/sign-offs over HTTP against
 * the real service at 1, 16 and 64 concurrent clients and prints decisions per
 * second with p50/p95/p99 latency, beside the rate pgbench reaches on the same
 * SQL statements in the same run, with the audit chain's head lock and
 * without it (the ratios show the service's own cost, and the chain's).
 *
 *   npm run bench:sign-off                                   # embedded PostgreSQL
 *   npm run bench:sign-off -- --seconds 2 --clients 1,4      # a quick look
 *   npm run bench:sign-off -- --mode resign                  # one review per client, signed again and again
 *   DATABASE_URL=postgres://… npm run bench:sign-off         # another server (a throw-away database on it)
 *
 * Fresh mode (the default): every decision lands on a review nobody has
 * signed yet, so every decision is the same work, however long the run: one
 * sign-off inserted, one audit event, and no pass (the benchmark's policy
 * asks a developer and legal at minimal tier; only the developer signs).
 * The reviews are made before measuring, in bulk SQL (sign-off-seed.ts):
 * each client gets its own queue, sized from --max-rate; a client whose
 * queue runs out stops, and the run says so.
 *
 * Resign mode keeps the old measure: each client signs its one review again
 * and again, so each decision supersedes the previous one (two audit events)
 * and the review's history grows through the run.
 *
 * The service runs in this process; the HTTP load comes from a forked
 * process (sign-off-driver.ts) over keep-alive connections, one per client.
 * The service's pool and pgbench's clients share the server's max_connections
 * (the pool stays open while pgbench runs): both are sized to fit, and a
 * level that must be capped says so.
 */
import { Command, Option } from 'commander';
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { ClsService } from 'nestjs-cls';
import { Client } from 'pg';
import { loadConfig } from '@app/config';
import { RequestContext } from '@app/request-context';
import { createApp } from '../apps/api/src/app.setup';
import { AuthService } from '../apps/api/src/modules/identity/auth/auth.service';
import { PrincipalLoader } from '../apps/api/src/modules/identity/auth/principal.loader';
import { TeamsService } from '../apps/api/src/modules/identity/teams/teams.service';
import { UsersService } from '../apps/api/src/modules/identity/users/users.service';
import { GatePoliciesService } from '../apps/api/src/modules/gate-policies/gate-policies.service';
import { ReviewDecisions } from '../apps/api/src/modules/gate-reviews/review-decisions.service';
import { UseCasesService } from '../apps/api/src/modules/use-cases/use-cases.service';
import { openBenchDatabase } from './bench-database';
import type { DriverClient, DriverJob, DriverResult } from './sign-off-driver';
import { PGBENCH_AUDIT_WRITE, PGBENCH_POOL, pgbenchScript, runPgbench } from './sign-off-pgbench';
import { SignOffSeed } from './sign-off-seed';

type Mode = 'fresh' | 'resign';

const options = new Command('bench:sign-off')
  .addOption(new Option('--mode <mode>', 'fresh: every decision on a new review; resign: one review per client, signed again and again').choices(['fresh', 'resign']).default('fresh'))
  .option('--seconds <n>', 'duration of each measurement', Number, 8)
  .option('--clients <list>', 'concurrency levels', (v) => v.split(',').map(Number), [1, 16, 64])
  .option('--warmup <n>', 'seconds of load before each service measurement, not counted', Number, 1)
  .option('--max-rate <n>', 'decisions per second the service queues are sized for (fresh mode)', Number, 600)
  .option('--pgbench-max-rate <n>', 'transactions per second the pgbench review pool is sized for (fresh mode)', Number, 1500)
  .option('--pool <n>', "the service's pool size (default: as large as the clients and the server's max_connections allow)", Number)
  .parse()
  .opts<{ mode: Mode; seconds: number; clients: number[]; warmup: number; maxRate: number; pgbenchMaxRate: number; pool?: number }>();

const SETUP_ACTOR = { id: 'bench', kind: 'system' as const, displayName: 'Benchmark', roles: [] };

const clientCount = (n: number) => `${n} client${n === 1 ? '' : 's'}`;

/** Connections the benchmark itself may hold besides the service's pool and pgbench: its migration pool (4), the seeding client, psql. */
const OWN_CONNECTIONS = 6;
/** Left free on top, for anything else that connects meanwhile. */
const CONNECTION_MARGIN = 5;

interface Level {
  clients: number;
  service: { rate: number; p50: number; p95: number; p99: number; count: number; driver: DriverResult };
  /** Unchained both ways: `unchained` unnamed statements (how the service sent all of them before), `prepared` as the service sends its hot ones now. */
  pgbench: { clients: number; chained: number; locked: number; unchained: number; prepared: number };
}

async function main() {
  const levels = options.clients;
  if (!levels.length || levels.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--clients must list positive integers, not ${options.clients.join(',')}`);
  const maxClients = Math.max(...levels);
  const notes: string[] = [];
  const db = await openBenchDatabase(4, { maxConnections: 200 });
  const server = await describeServer(db.url);
  const budget = connectionBudget(server, maxClients, options.pool);
  const config = loadConfig({
    NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: db.url, DATABASE_POOL_SIZE: String(budget.pool),
    GATEHOUSE_ADMIN_EMAIL: 'bench@gatehouse.test', GATEHOUSE_ADMIN_PASSWORD: 'bench-password-123',
  });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as { port: number }).port;
  const results: Level[] = [];
  let seedSummary = '';
  let checks: Awaited<ReturnType<typeof decisionsMade>> | undefined;
  try {
    const fixtures = await app.get(ClsService).run(() => {
      app.get(RequestContext).setActor(SETUP_ACTOR);
      return setUp(app, maxClients);
    });

    // The reviews: every one the run will decide on, made before anything is measured.
    const seedStarted = Date.now();
    const seed = await SignOffSeed.open(db.url, fixtures.template);
    const serviceQueues: DriverClient[][] = [];
    let serviceReviews = 0;
    let pgbenchPoolSize = 0;
    try {
      if (options.mode === 'fresh') {
        for (const [level, clients] of levels.entries()) {
          const perClient = Math.ceil((options.maxRate * (options.warmup + options.seconds)) / clients) + 10;
          const pool = `service-${level}`;
          await seed.seed(pool, perClient * clients, fixtures.signers.slice(0, clients).map((s) => s.id));
          const ids = await seed.reviewIds(pool);
          serviceQueues.push(fixtures.signers.slice(0, clients).map((signer, i) => ({ token: signer.token, revision: 1, reviewIds: ids.filter((_, j) => j % clients === i) })));
          serviceReviews += ids.length;
        }
        pgbenchPoolSize = options.pgbenchMaxRate * options.seconds * 2 * levels.length;
        await seed.seed(PGBENCH_POOL.fresh, pgbenchPoolSize, fixtures.signers.map((s) => s.id));
      } else {
        await seed.seed('service-resign', maxClients, fixtures.signers.map((s) => s.id), { signedOnce: true });
        const ids = await seed.reviewIds('service-resign');
        for (const clients of levels) {
          serviceQueues.push(fixtures.signers.slice(0, clients).map((signer, i) => ({ token: signer.token, revision: 1, reviewIds: [ids[i]] })));
        }
        serviceReviews = ids.length;
        pgbenchPoolSize = maxClients;
        await seed.seed(PGBENCH_POOL.resign, maxClients, fixtures.signers.map((s) => s.id), { signedOnce: true });
      }
      for (const statement of PGBENCH_AUDIT_WRITE.setUp) await seed.query(statement);
      await seed.query('DROP SEQUENCE IF EXISTS bench_pick');
      await seed.query('CREATE SEQUENCE bench_pick');
      await seed.settle();
    } finally {
      await seed.close();
    }
    seedSummary = `seeded ${serviceReviews} open reviews for the service and ${pgbenchPoolSize} for pgbench in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`;
    process.stdout.write(`${seedSummary}\n`);

    for (const [level, clients] of levels.entries()) {
      // The service's own CPU (this process: HTTP, Nest, TypeORM, pg), over the whole level, warm-up included.
      const cpuBefore = process.cpuUsage();
      const service = await driveHttp({ port, mode: options.mode, warmupSeconds: options.warmup, seconds: options.seconds, clients: serviceQueues[level] });
      const cpu = process.cpuUsage(cpuBefore);
      const decided = service.driver.answered;
      notes.push(`${clientCount(clients)}: the service process used ${((cpu.user + cpu.system) / 1000 / Math.max(1, decided)).toFixed(2)} ms of CPU per decision (${decided} answered, warm-up included)`);
      if (service.driver.exhausted) {
        notes.push(`${clientCount(clients)}: ${service.driver.exhausted} client(s) ran out of fresh reviews (the first ${service.driver.firstExhaustedAt?.toFixed(1)} s into the measurement); raise --max-rate`);
      }
      if (service.driver.errors) notes.push(`${clientCount(clients)}: ${service.driver.errors} sign-off(s) failed; the first: ${service.driver.firstError}`);

      const pgClients = Math.min(clients, budget.pgbenchMax);
      if (pgClients < clients) notes.push(`${clientCount(clients)}: pgbench capped at ${clientCount(pgClients)} (max_connections ${server.maxConnections}, service pool ${budget.pool})`);
      const variables = { pool_size: pgbenchPoolSize, team_id: fixtures.teamId };
      const pgbench = { clients: pgClients, chained: 0, locked: 0, unchained: 0, prepared: 0 };
      const runs = [['chained', 'chained'], ['locked', 'locked'], ['unchained', 'unchained'], ['prepared', 'unchained']] as const;
      for (const [column, chain] of runs) {
        const protocol = column === 'prepared' ? 'prepared' : 'extended';
        const run = await runPgbench(db.url, { clients: pgClients, seconds: options.seconds, script: pgbenchScript(options.mode, chain), variables, protocol });
        if (run.failed) notes.push(`${clientCount(clients)}: ${run.failed} pgbench transaction(s) failed (${column})`);
        pgbench[column] = run.tps;
      }
      results.push({ clients, service, pgbench });
      process.stdout.write(
        `  ${clientCount(clients)} done: ${service.rate.toFixed(0)} decisions/s, pgbench sealed ${pgbench.chained.toFixed(0)} / head lock ${pgbench.locked.toFixed(0)} / ` +
          `unchained ${pgbench.unchained.toFixed(0)} / unchained prepared ${pgbench.prepared.toFixed(0)} tx/s\n`,
      );
    }
    checks = await decisionsMade(db.url);
    if (options.mode === 'fresh') {
      if (checks.service.decisions !== checks.service.reviews) notes.push('the service decided on some reviews more than once: they were not all fresh');
      if (checks.pgbench.decisions !== checks.pgbench.reviews) notes.push(`pgbench ran past its ${pgbenchPoolSize} fresh reviews and signed some again; raise --pgbench-max-rate`);
    }
  } finally {
    await app.close();
    await db.close();
  }
  if (checks) {
    notes.unshift(`decisions recorded: by the service ${checks.service.decisions} on ${checks.service.reviews} reviews, by pgbench ${checks.pgbench.decisions} on ${checks.pgbench.reviews} reviews`);
  }
  process.stdout.write(report(server, budget, seedSummary, results, notes));
}

interface Fixtures {
  teamId: string;
  signers: { id: string; token: string }[];
  template: { useCaseId: string; reviewId: string };
}

/**
 * Through the services: the policy (a developer and legal at minimal, so a
 * developer's approval never completes a review), one team with an opener
 * and one developer per client, and one use case with a review opened on it
 * by the opener — the template the seeded reviews copy.
 */
async function setUp(app: Awaited<ReturnType<typeof createApp>>, signerCount: number): Promise<Fixtures> {
  const users = app.get(UsersService);
  const teams = app.get(TeamsService);
  const policies = app.get(GatePoliciesService);
  const current = await policies.current();
  const document = structuredClone(current.document);
  document.gates.design_to_develop.minimal = { signOffs: [{ role: 'developer', quorum: 1 }, { role: 'legal', quorum: 1 }], evidence: [], checklist: [] };
  await policies.publish(document, 'benchmark: a developer alone completes no review', SETUP_ACTOR);

  const team = await teams.create('Benchmark team');
  const opener = await users.create({ email: 'opener@bench.test', displayName: 'Opener', kind: 'service' }, SETUP_ACTOR);
  await teams.addMember(team.id, opener.id, 'developer');
  const openerPrincipal = (await app.get(PrincipalLoader).forUser(opener.id))!;
  const signers: Fixtures['signers'] = [];
  for (let i = 0; i < signerCount; i++) {
    const signer = await users.create({ email: `signer-${i}@bench.test`, displayName: `Signer ${i}`, kind: 'service' }, SETUP_ACTOR);
    await teams.addMember(team.id, signer.id, 'developer');
    signers.push({ id: signer.id, token: app.get(AuthService).issueAccessToken(signer.id).accessToken });
  }
  const useCase = await app.get(UseCasesService).create(openerPrincipal, {
    title: 'Benchmark use case', businessProblem: 'b', workflow: { description: 'w', components: [] }, inputs: ['i'], outputs: ['o'],
    stakeholders: [{ name: 's', objectives: 'o', affectedNonUser: false }], intendedUse: 'u', foreseeableMisuse: 'm', aiRole: 'both',
    developerTeamId: team.id, deployerTeamId: team.id,
  });
  const review = await app.get(ReviewDecisions).open(openerPrincipal, useCase.id, { gate: 'design_to_develop' });
  if (review.tier !== 'minimal') throw new Error(`The template use case is ${review.tier}, not minimal: the benchmark's policy would not apply`);
  return { teamId: team.id, signers, template: { useCaseId: useCase.id, reviewId: review.id } };
}

/** One level's HTTP load, from a forked process. */
function driveHttp(job: DriverJob): Promise<Level['service']> {
  return new Promise((resolve, reject) => {
    const driver = fork(path.join(__dirname, 'sign-off-driver.js'), [], { serialization: 'advanced', execArgv: [] });
    let result: DriverResult | undefined;
    driver.once('message', (message) => (result = message as DriverResult));
    driver.once('error', reject);
    driver.once('exit', (code) => {
      if (!result) return reject(new Error(`The load driver exited with ${code} and no result`));
      const sorted = Float64Array.from(result.latencies).sort();
      // Nearest rank: the smallest latency at least q of the requests did not exceed.
      const at = (q: number) => (sorted.length ? sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] : NaN);
      resolve({ rate: sorted.length / job.seconds, p50: at(0.5), p95: at(0.95), p99: at(0.99), count: sorted.length, driver: result });
    });
    driver.send(job);
  });
}

interface ServerFacts {
  version: string;
  where: string;
  embedded: boolean;
  maxConnections: number;
  reserved: number;
  inUse: number;
}

async function describeServer(url: string): Promise<ServerFacts> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const [row] = (
      await client.query(`
        SELECT current_setting('server_version') AS version,
               current_setting('max_connections')::int AS max_connections,
               current_setting('superuser_reserved_connections')::int + coalesce(current_setting('reserved_connections', true), '0')::int AS reserved,
               (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS in_use`)
    ).rows;
    const target = new URL(url);
    return {
      version: row.version,
      where: `${target.hostname}:${target.port || 5432}`,
      embedded: !process.env.DATABASE_URL,
      maxConnections: row.max_connections,
      reserved: row.reserved,
      inUse: row.in_use,
    };
  } finally {
    await client.end();
  }
}

/**
 * The service's pool and pgbench's largest client count, within the server's
 * max_connections: the pool as large as the largest level (it never needs
 * more), pgbench the rest; when both do not fit, they share what is free.
 */
function connectionBudget(server: ServerFacts, maxClients: number, requestedPool?: number) {
  const free = server.maxConnections - server.reserved - server.inUse - OWN_CONNECTIONS - CONNECTION_MARGIN;
  let pool = requestedPool ?? Math.min(maxClients, free - maxClients);
  if (requestedPool === undefined && pool < Math.min(maxClients, 8)) pool = Math.min(maxClients, Math.floor(free / 2));
  pool = Math.min(pool, 200);
  const pgbenchMax = free - pool;
  if (pool < 1 || pgbenchMax < 1) {
    throw new Error(`max_connections ${server.maxConnections} leaves ${free} connections free (${server.reserved} reserved, ${server.inUse} in use): too few for a pool of ${pool} and pgbench`);
  }
  return { free, pool, pgbenchMax };
}

/** The decisions recorded on the benchmark's reviews (those made before the run, in resign mode, included), and on how many reviews. */
async function decisionsMade(url: string): Promise<Record<'service' | 'pgbench', { decisions: number; reviews: number }>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(`
      SELECT CASE WHEN b.pool LIKE 'service-%' THEN 'service' ELSE 'pgbench' END AS who, count(*)::int AS decisions, count(DISTINCT s.review_id)::int AS reviews
      FROM bench_reviews b JOIN sign_offs s ON s.review_id = b.review_id GROUP BY 1`);
    const of = (who: string) => rows.find((row) => row.who === who) ?? { decisions: 0, reviews: 0 };
    return { service: of('service'), pgbench: of('pgbench') };
  } finally {
    await client.end();
  }
}

function report(server: ServerFacts, budget: ReturnType<typeof connectionBudget>, seedSummary: string, results: Level[], notes: string[]): string {
  const fixed = (n: number, digits: number, width: number) => (Number.isFinite(n) ? n.toFixed(digits) : '-').padStart(width);
  const lines = [
    '',
    `Gatehouse sign-off benchmark, mode ${options.mode}: ${options.mode === 'fresh' ? 'every decision on a review nobody has signed yet' : 'one review per client, signed again and again'}`,
    `node ${process.version}; ${options.seconds} s per level after ${options.warmup} s warm-up; HTTP from a separate process, keep-alive, one connection per client`,
    `server: ${server.embedded ? 'embedded' : 'DATABASE_URL'} PostgreSQL ${server.version} at ${server.where}, max_connections ${server.maxConnections} ` +
      `(${server.reserved} reserved, ${server.inUse} in use at start); service pool ${budget.pool}, pgbench up to ${budget.pgbenchMax} clients`,
    seedSummary,
    '',
    '                service (HTTP)                             │ pgbench, same statements                    │ service ÷ pgbench',
    '                                                           │          sealed  head lock  unchained         │ unchained',
    ' clients   decisions/s   p50 ms   p95 ms   p99 ms   count │ clients  (now)   (before)  unnamed  prepared│ unnamed prepared  sealed',
  ];
  for (const { clients, service, pgbench } of results) {
    lines.push(
      `${fixed(clients, 0, 8)}   ${fixed(service.rate, 0, 11)}   ${fixed(service.p50, 1, 6)}   ${fixed(service.p95, 1, 6)}   ${fixed(service.p99, 1, 6)}  ${fixed(service.count, 0, 6)} │` +
        ` ${fixed(pgbench.clients, 0, 7)}  ${fixed(pgbench.chained, 0, 7)}  ${fixed(pgbench.locked, 0, 8)}  ${fixed(pgbench.unchained, 0, 8)}  ${fixed(pgbench.prepared, 0, 8)}│` +
        ` ${fixed(service.rate / pgbench.unchained, 2, 7)}  ${fixed(service.rate / pgbench.prepared, 2, 7)}  ${fixed(service.rate / pgbench.chained, 2, 6)}`,
    );
  }
  lines.push('', `Goals (${options.mode === 'fresh' ? 'fresh reviews' : 'resign mode: the goals are stated for fresh reviews'}):`);
  const at = (clients: number) => results.find((r) => r.clients === clients);
  const goal = (ok: boolean | undefined, text: string) => lines.push(`  ${ok === undefined ? 'n/a ' : ok ? 'PASS' : 'FAIL'}  ${text}`);
  for (const clients of [16, 64]) {
    const level = at(clients);
    goal(level && level.service.rate >= 250, `≥ 250 decisions/s at ${clients} clients${level ? `: ${level.service.rate.toFixed(0)}/s` : ' (not measured)'}`);
  }
  // Judged against pgbench sending the statements as the service does: its hot statements are prepared.
  for (const clients of [16, 64]) {
    const level = at(clients);
    const ratio = level && level.service.rate / level.pgbench.prepared;
    const unnamed = level && level.service.rate / level.pgbench.unchained;
    goal(
      ratio === undefined ? undefined : ratio >= 0.8,
      `≥ 0.8 × pgbench without the chain lock at ${clients} clients, statements prepared as the service prepares them${ratio === undefined ? ' (not measured)' : `: ${ratio.toFixed(2)} × (${unnamed!.toFixed(2)} × pgbench's unnamed statements)`}`,
    );
  }
  for (const { clients, service } of results) {
    goal(service.p99 <= 3 * service.p50, `p99 ≤ 3 × p50 at ${clientCount(clients)}: p99 ${service.p99.toFixed(1)} ms, 3 × p50 ${(3 * service.p50).toFixed(1)} ms`);
  }
  const one = at(1);
  goal(one && one.service.p99 < 50, `p99 < 50 ms at 1 client${one ? `: ${one.service.p99.toFixed(1)} ms` : ' (not measured)'}`);
  if (notes.length) lines.push('', 'Notes:', ...notes.map((note) => `  ${note}`));
  return `${lines.join('\n')}\n`;
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
