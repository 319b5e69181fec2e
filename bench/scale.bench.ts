/**
 * Scale benchmark. Seeds a small and a large organisation by bulk SQL and
 * prints p50/p95 latency of the read routes a busy organisation leans on, at
 * both sizes side by side, measured over HTTP against the real service:
 * the inbox (a lawyer's, a developer's), the use-case list (first page and a
 * page 90% deep, as a reader of every use case; a developer's first page),
 * clearance, and the audit listing (first page, filtered by action, 90% deep).
 *
 *   npm run bench:scale                                  # embedded PostgreSQL
 *   SCALE_AUDIT_EVENTS=1000000 npm run bench:scale -- --requests 20
 *   DATABASE_URL=postgres://… npm run bench:scale -- --sizes large
 *
 * Small: 1,000 use cases, 100 open reviews, 10,000 audit events. Large:
 * SCALE_USE_CASES (100,000), SCALE_OPEN_REVIEWS (10,000) and
 * SCALE_AUDIT_EVENTS (10,000,000); seeding the large size takes some 8 minutes on
 * 2 cores, mostly the audit events and their indexes. Requests run one at a
 * time, after a warm-up, in rounds that alternate between the sizes.
 */
import { Command } from 'commander';
import { Client } from 'pg';
import { loadConfig } from '@app/config';
import { createApp } from '../apps/api/src/app.setup';
import { AuthService } from '../apps/api/src/modules/identity/auth/auth.service';
import { createBenchDatabase, openBenchServer } from './bench-database';
import { ScaleSize, seedOrganisation, SeededOrganisation } from './scale-seed';

const options = new Command('bench:scale')
  .option('--requests <n>', 'measured requests per route and size', Number, 50)
  .option('--warmup <n>', 'unmeasured requests per route first (the first size would otherwise pay for warming the JIT)', Number, 20)
  .option('--rounds <n>', 'turns taken between the sizes; the requests are spread over them', Number, 5)
  .option('--sizes <list>', 'which sizes to run', (v) => v.split(','), ['small', 'large'])
  .parse()
  .opts<{ requests: number; warmup: number; rounds: number; sizes: string[] }>();

const count = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
};

const SIZES: Record<string, ScaleSize> = {
  small: { useCases: 1_000, openReviews: 100, auditEvents: 10_000 },
  large: { useCases: count('SCALE_USE_CASES', 100_000), openReviews: count('SCALE_OPEN_REVIEWS', 10_000), auditEvents: count('SCALE_AUDIT_EVENTS', 10_000_000) },
};

interface Route {
  name: string;
  as: 'legal' | 'developer' | 'auditor';
  /** The path of the n-th request. */
  path: (seeded: SeededOrganisation, n: number) => string;
}

const ROUTES: Route[] = [
  { name: 'inbox, legal', as: 'legal', path: () => '/api/me/inbox' },
  { name: 'inbox, developer', as: 'developer', path: () => '/api/me/inbox' },
  { name: 'use cases, first page (reader)', as: 'legal', path: () => '/api/use-cases?limit=50' },
  { name: 'use cases, 90% deep page (reader)', as: 'legal', path: (s) => `/api/use-cases?limit=50&cursor=${s.deepUseCaseCursor}` },
  { name: 'use cases, first page (developer)', as: 'developer', path: () => '/api/use-cases?limit=50' },
  { name: 'clearance', as: 'legal', path: (s, n) => `/api/use-cases/${s.clearanceIds[n % s.clearanceIds.length]}/clearance?stage=develop` },
  { name: 'audit events, first page', as: 'auditor', path: () => '/api/audit/events?limit=100' },
  { name: 'audit events, by action', as: 'auditor', path: () => '/api/audit/events?limit=100&action=gate_review.passed' },
  { name: 'audit events, 90% deep page', as: 'auditor', path: (s) => `/api/audit/events?limit=100&cursor=${s.deepAuditCursor}` },
];

interface Organisation {
  name: string;
  size: ScaleSize;
  url: string;
  seeded: SeededOrganisation;
  seeding: string;
  latencies: Map<string, number[]>;
  items: Map<string, number>;
  close(): Promise<void>;
}

/**
 * Both organisations are seeded first, each in its own database; then the
 * routes are measured in rounds that take turns between them, on a fresh
 * service each turn (Passport's strategies are process-wide, so one service
 * at a time), so that whatever else the machine is doing weighs on both sizes.
 */
async function main() {
  const server = await openBenchServer();
  const organisations: Organisation[] = [];
  try {
    if (server.embedded) await tuneEmbeddedServerForLoading(server.url);
    for (const name of options.sizes) {
      const size = SIZES[name];
      if (!size) throw new Error(`no size "${name}"; the sizes are ${Object.keys(SIZES).join(', ')}`);
      log(`${name}: ${size.useCases} use cases, ${size.openReviews} open reviews, ${size.auditEvents} audit events`);
      organisations.push(await seed(server.url, name, size));
    }
    for (let round = 0; round < options.rounds; round++) {
      for (const organisation of organisations) {
        const requests = Math.ceil(options.requests / options.rounds);
        // Each turn's fresh service opens its pool's connections during its own few warm-up requests.
        await measure(organisation, round === 0 ? options.warmup : 2, requests);
      }
    }
  } finally {
    for (const organisation of organisations) await organisation.close();
    await server.stop();
  }
  report(organisations);
}

async function seed(serverUrl: string, name: string, size: ScaleSize): Promise<Organisation> {
  const db = await createBenchDatabase(serverUrl, `gatehouse_bench_${process.pid}_${name}`, 2);
  try {
    // The service's own start publishes the default policy and the first admin; the organisation goes in after.
    const app = await createApp(serviceConfig(db.url));
    await app.init();
    await app.close();
    const started = Date.now();
    const seeded = await seedOrganisation(db.url, size, log);
    const { organisation, auditEvents, indexes, vacuum } = seeded.seconds;
    const seeding =
      `${((Date.now() - started) / 1000).toFixed(0)} s (organisation ${organisation.toFixed(0)} s, ` +
      `audit events ${auditEvents.toFixed(0)} s, their indexes ${indexes.toFixed(0)} s, vacuum ${vacuum.toFixed(0)} s)`;
    return { name, size, url: db.url, seeded, seeding, latencies: new Map(ROUTES.map((route) => [route.name, []])), items: new Map(), close: db.close };
  } catch (error) {
    await db.close();
    throw error;
  }
}

function serviceConfig(url: string) {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: url,
    DATABASE_POOL_SIZE: '10',
    GATEHOUSE_ADMIN_EMAIL: 'bench@gatehouse.test',
    GATEHOUSE_ADMIN_PASSWORD: 'bench-password-123',
  });
}

/** One turn: a service on the organisation's database, `warmup` unmeasured then `requests` measured requests per route. */
async function measure(organisation: Organisation, warmup: number, requests: number) {
  const app = await createApp(serviceConfig(organisation.url));
  try {
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as { port: number }).port;
    const { seeded } = organisation;
    const auth = app.get(AuthService);
    const users = { legal: seeded.legalId, developer: seeded.developerId, auditor: seeded.auditorId };
    for (const route of ROUTES) {
      const authorization = `Bearer ${auth.issueAccessToken(users[route.as]).accessToken}`;
      const latencies = organisation.latencies.get(route.name)!;
      for (let n = 0; n < warmup + requests; n++) {
        const begun = process.hrtime.bigint();
        const res = await fetch(`http://127.0.0.1:${port}${route.path(seeded, latencies.length + n)}`, { headers: { Authorization: authorization } });
        const body = (await res.json()) as unknown[] | { items?: unknown[] };
        const elapsed = Number(process.hrtime.bigint() - begun) / 1e6;
        if (res.status !== 200) throw new Error(`${organisation.name}, ${route.name}: ${res.status} ${JSON.stringify(body)}`);
        if (n >= warmup) latencies.push(elapsed);
        organisation.items.set(route.name, Array.isArray(body) ? body.length : (body.items?.length ?? 1));
      }
    }
  } finally {
    await app.close();
  }
}

function report(organisations: Organisation[]) {
  const percentile = (values: number[], q: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  };
  const pair = organisations.length === 2;
  const header = ['route', ...organisations.flatMap(({ name }) => [`${name} p50`, `${name} p95`, `${name} items`]), ...(pair ? ['p95 ratio'] : [])];
  const lines = ROUTES.map((route) => {
    const p95 = organisations.map((o) => percentile(o.latencies.get(route.name)!, 0.95));
    const cells = organisations.flatMap((o, i) => [percentile(o.latencies.get(route.name)!, 0.5).toFixed(1), p95[i].toFixed(1), String(o.items.get(route.name))]);
    return [route.name, ...cells, ...(pair ? [(p95[1] / p95[0]).toFixed(2)] : [])];
  });
  const widths = header.map((_, column) => Math.max(...[header, ...lines].map((line) => line[column].length)));
  const render = (line: string[]) => line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  const measured = organisations[0]?.latencies.get(ROUTES[0].name)!.length ?? 0;
  process.stdout.write(`\nGatehouse scale benchmark (node ${process.version}, ${measured} requests per route and size in ${options.rounds} rounds, latency in ms)\n`);
  for (const { name, size, seeding } of organisations) {
    process.stdout.write(`  ${name}: ${size.useCases} use cases, ${size.openReviews} open reviews, ${size.auditEvents} audit events; seeded in ${seeding}\n`);
  }
  process.stdout.write(`\n  ${render(header)}\n${lines.map((line) => `  ${render(line)}`).join('\n')}\n`);
}

/** A bulk load on the embedded server's defaults would checkpoint every few seconds. Never done to a DATABASE_URL server. */
async function tuneEmbeddedServerForLoading(url: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`ALTER SYSTEM SET max_wal_size = '8GB'`);
    await client.query(`ALTER SYSTEM SET checkpoint_timeout = '15min'`);
    await client.query('SELECT pg_reload_conf()');
  } finally {
    await client.end();
  }
}

function log(line: string) {
  process.stderr.write(`${line}\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
