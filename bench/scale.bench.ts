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
 * SCALE_AUDIT_EVENTS (10,000,000). Requests run one at a time after a warm-up.
 */
import { Command } from 'commander';
import { Client } from 'pg';
import { loadConfig } from '@app/config';
import { createApp } from '../apps/api/src/app.setup';
import { AuthService } from '../apps/api/src/modules/identity/auth/auth.service';
import { openBenchDatabase } from './bench-database';
import { ScaleSize, seedOrganisation, SeededOrganisation } from './scale-seed';

const options = new Command('bench:scale')
  .option('--requests <n>', 'measured requests per route and size', Number, 50)
  .option('--warmup <n>', 'unmeasured requests per route first', Number, 5)
  .option('--sizes <list>', 'which sizes to run', (v) => v.split(','), ['small', 'large'])
  .parse()
  .opts<{ requests: number; warmup: number; sizes: string[] }>();

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

interface Figures {
  p50: number;
  p95: number;
  /** Items in the answer (a list's length or a page's items). */
  items: number;
}

async function main() {
  const results: Record<string, { size: ScaleSize; figures: Map<string, Figures>; seeding: string }> = {};
  for (const name of options.sizes) {
    const size = SIZES[name];
    if (!size) throw new Error(`no size "${name}"; the sizes are ${Object.keys(SIZES).join(', ')}`);
    log(`${name}: ${size.useCases} use cases, ${size.openReviews} open reviews, ${size.auditEvents} audit events`);
    results[name] = await runSize(size);
  }
  const names = Object.keys(results);
  const header = ['route', ...names.flatMap((name) => [`${name} p50`, `${name} p95`, `${name} items`]), ...(names.length === 2 ? ['p95 ratio'] : [])];
  const lines = ROUTES.map((route) => {
    const cells = names.flatMap((name) => {
      const f = results[name].figures.get(route.name)!;
      return [f.p50.toFixed(1), f.p95.toFixed(1), String(f.items)];
    });
    const ratio = names.length === 2 ? [(results[names[1]].figures.get(route.name)!.p95 / results[names[0]].figures.get(route.name)!.p95).toFixed(2)] : [];
    return [route.name, ...cells, ...ratio];
  });
  const widths = header.map((_, column) => Math.max(...[header, ...lines].map((line) => line[column].length)));
  const render = (line: string[]) => line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  process.stdout.write(`\nGatehouse scale benchmark (node ${process.version}, ${options.requests} requests per route, latency in ms)\n`);
  for (const name of names) {
    const { size, seeding } = results[name];
    process.stdout.write(`  ${name}: ${size.useCases} use cases, ${size.openReviews} open reviews, ${size.auditEvents} audit events; seeded in ${seeding}\n`);
  }
  process.stdout.write(`\n  ${render(header)}\n${lines.map((line) => `  ${render(line)}`).join('\n')}\n`);
}

async function runSize(size: ScaleSize) {
  const db = await openBenchDatabase(2);
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: db.url, DATABASE_POOL_SIZE: '10', GATEHOUSE_ADMIN_EMAIL: 'bench@gatehouse.test', GATEHOUSE_ADMIN_PASSWORD: 'bench-password-123' });
  const app = await createApp(config);
  try {
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as { port: number }).port;
    if (!process.env.DATABASE_URL) await tuneEmbeddedServerForLoading(db.url);
    const started = Date.now();
    const seeded = await seedOrganisation(db.url, size, log);
    const total = (Date.now() - started) / 1000;
    const { organisation, auditEvents, indexes, vacuum } = seeded.seconds;
    const seeding = `${total.toFixed(0)} s (organisation ${organisation.toFixed(0)} s, audit events ${auditEvents.toFixed(0)} s, their indexes ${indexes.toFixed(0)} s, vacuum ${vacuum.toFixed(0)} s)`;
    const auth = app.get(AuthService);
    const tokens = { legal: seeded.legalId, developer: seeded.developerId, auditor: seeded.auditorId };
    const bearer = (as: Route['as']) => `Bearer ${auth.issueAccessToken(tokens[as]).accessToken}`;
    const figures = new Map<string, Figures>();
    for (const route of ROUTES) {
      const authorization = bearer(route.as);
      let items = 0;
      const latencies: number[] = [];
      for (let n = 0; n < options.warmup + options.requests; n++) {
        const begun = process.hrtime.bigint();
        const res = await fetch(`http://127.0.0.1:${port}${route.path(seeded, n)}`, { headers: { Authorization: authorization } });
        const body = (await res.json()) as unknown[] | { items?: unknown[] };
        const elapsed = Number(process.hrtime.bigint() - begun) / 1e6;
        if (res.status !== 200) throw new Error(`${route.name}: ${res.status} ${JSON.stringify(body)}`);
        if (n >= options.warmup) latencies.push(elapsed);
        items = Array.isArray(body) ? body.length : (body.items?.length ?? 1);
      }
      latencies.sort((a, b) => a - b);
      const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)];
      figures.set(route.name, { p50: at(0.5), p95: at(0.95), items });
      log(`    ${route.name}: p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, ${items} items`);
    }
    return { size, figures, seeding };
  } finally {
    await app.close();
    await db.close();
  }
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
