/**
 * Sign-off benchmark. Drives POST /api/reviews/:id/sign-offs over HTTP against
 * the real service at 1, 16 and 64 concurrent clients and prints sign-offs per
 * second with p50/p99 latency, beside the rate pgbench reaches for the same SQL
 * statements a sign-off runs, in the same run (the ratio shows the service's own cost).
 *
 *   npm run bench:sign-off                      # embedded PostgreSQL
 *   DATABASE_URL=postgres://… npm run bench:sign-off -- --seconds 10
 *
 * Each client signs, as the developer, its own open review, again and again:
 * every request is a full decision (locks, rule checks, a superseded sign-off,
 * two audit events) on a review that stays open because it also needs legal.
 */
import { Command } from 'commander';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ClsService } from 'nestjs-cls';
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

const options = new Command('bench:sign-off')
  .option('--seconds <n>', 'duration of each measurement', Number, 8)
  .option('--clients <list>', 'concurrency levels', (v) => v.split(',').map(Number), [1, 16, 64])
  .parse()
  .opts<{ seconds: number; clients: number[] }>();

const SETUP_ACTOR = { id: 'bench', kind: 'system' as const, displayName: 'Benchmark', roles: [] };

async function main() {
  const maxClients = Math.max(...options.clients);
  // The service's pool and pgbench's clients connect at once.
  const db = await openBenchDatabase(4, { maxConnections: 200 });
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: db.url, DATABASE_POOL_SIZE: '40', GATEHOUSE_ADMIN_EMAIL: 'bench@gatehouse.test', GATEHOUSE_ADMIN_PASSWORD: 'bench-password-123' });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as { port: number }).port;
  const rows: string[] = [];
  try {
    const fixtures = await app.get(ClsService).run(() => {
      app.get(RequestContext).setActor(SETUP_ACTOR);
      return setUp(app, maxClients);
    });
    for (const clients of options.clients) {
      const service = await driveHttp(port, fixtures.slice(0, clients), options.seconds);
      const pg = await drivePgbench(db.url, clients, options.seconds);
      rows.push(
        `  ${String(clients).padStart(2)} clients  ${service.rate.toFixed(0).padStart(6)} sign-offs/s  p50 ${service.p50.toFixed(1).padStart(6)} ms  p99 ${service.p99.toFixed(1).padStart(6)} ms` +
          `   pgbench ${pg.tps.toFixed(0).padStart(6)} tx/s   ratio ${(service.rate / pg.tps).toFixed(2)}`,
      );
    }
  } finally {
    await app.close();
    await db.close();
  }
  process.stdout.write(`\nGatehouse sign-off benchmark (node ${process.version}, ${options.seconds} s per level)\n${rows.join('\n')}\n`);
}

interface Fixture {
  reviewId: string;
  token: string;
  revision: number;
}

/** One team, one developer and one open review per client; reviews also need legal, so they stay open. */
async function setUp(app: Awaited<ReturnType<typeof createApp>>, count: number): Promise<Fixture[]> {
  const users = app.get(UsersService);
  const teams = app.get(TeamsService);
  const policies = app.get(GatePoliciesService);
  const current = await policies.current();
  const document = structuredClone(current.document);
  document.gates.design_to_develop.minimal = { signOffs: [{ role: 'developer', quorum: 1 }, { role: 'legal', quorum: 1 }], evidence: [], checklist: [] };
  await policies.publish(document, 'benchmark: reviews that stay open', SETUP_ACTOR);

  const team = await teams.create('Benchmark team');
  const opener = await users.create({ email: 'opener@bench.test', displayName: 'Opener', kind: 'service' }, SETUP_ACTOR);
  await teams.addMember(team.id, opener.id, 'developer');
  const openerPrincipal = (await app.get(PrincipalLoader).forUser(opener.id))!;
  const fixtures: Fixture[] = [];
  for (let i = 0; i < count; i++) {
    const signer = await users.create({ email: `signer-${i}@bench.test`, displayName: `Signer ${i}`, kind: 'service' }, SETUP_ACTOR);
    await teams.addMember(team.id, signer.id, 'developer');
    const useCase = await app.get(UseCasesService).create(openerPrincipal, {
      title: `Benchmark use case ${i}`, businessProblem: 'b', workflow: { description: 'w', components: [] }, inputs: ['i'], outputs: ['o'],
      stakeholders: [{ name: 's', objectives: 'o', affectedNonUser: false }], intendedUse: 'u', foreseeableMisuse: 'm', aiRole: 'both',
      developerTeamId: team.id, deployerTeamId: team.id,
    });
    const review = await app.get(ReviewDecisions).open(openerPrincipal, useCase.id, { gate: 'design_to_develop' });
    fixtures.push({ reviewId: review.id, revision: review.revision, token: app.get(AuthService).issueAccessToken(signer.id).accessToken });
  }
  return fixtures;
}

async function driveHttp(port: number, clients: Fixture[], seconds: number) {
  const latencies: number[] = [];
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    clients.map(async (client) => {
      while (Date.now() < deadline) {
        const started = process.hrtime.bigint();
        const res = await fetch(`http://127.0.0.1:${port}/api/reviews/${client.reviewId}/sign-offs`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${client.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ role: 'developer', decision: 'approve', comment: 'looks right', revision: client.revision }),
        });
        await res.arrayBuffer();
        if (res.status !== 201) throw new Error(`sign-off failed: ${res.status}`);
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { rate: latencies.length / seconds, p50: at(0.5), p99: at(0.99) };
}

/**
 * The statements one sign-off runs, in order, for pgbench: the principal load,
 * the locks, the rule inputs, the insert, two audit appends (the same
 * statement as AuditTrail, with fixed canonical parts), the outcome and the view.
 */
const PGBENCH_SCRIPT = `
\\set n random(1, :clients)
BEGIN;
SELECT u.id, u.display_name, u.active, coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM user_roles r WHERE r.user_id = u.id), '{}') AS roles, coalesce((SELECT json_agg(json_build_object('teamId', m.team_id, 'role', m.role)) FROM team_members m WHERE m.user_id = u.id), '[]') AS teams FROM users u WHERE u.id = (SELECT signer_id FROM bench_slots WHERE n = :n);
SELECT use_case_id FROM gate_reviews WHERE id = (SELECT review_id FROM bench_slots WHERE n = :n);
SELECT * FROM use_cases WHERE id = (SELECT use_case_id FROM bench_slots WHERE n = :n) FOR UPDATE;
SELECT * FROM gate_reviews WHERE id = (SELECT review_id FROM bench_slots WHERE n = :n) FOR UPDATE;
SELECT DISTINCT author_id FROM use_case_revisions WHERE use_case_id = (SELECT use_case_id FROM bench_slots WHERE n = :n);
SELECT DISTINCT ON (signer_id) * FROM sign_offs WHERE review_id = (SELECT review_id FROM bench_slots WHERE n = :n) ORDER BY signer_id, created_at DESC, id DESC;
INSERT INTO sign_offs (review_id, signer_id, role, decision, comment, conditions, revision, content_hash) SELECT review_id, signer_id, 'developer', 'approve', 'looks right', '[]', revision, content_hash FROM bench_slots WHERE n = :n RETURNING id;
WITH head AS (SELECT seq + 1 AS seq, hash AS prev_hash, to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at FROM audit_chain_heads WHERE chain = 'main' FOR UPDATE), sealed AS (SELECT seq, prev_hash, occurred_at, encode(sha256(convert_to('{"action":"sign_off.recorded","actor":{},"chain":"main","context":{},"id":"' || gen_random_uuid() || '","occurredAt":"' || occurred_at || '","payload":{},"prevHash":"' || prev_hash || '","reason":null,"seq":' || seq::text || ',"target":{},"useCaseId":null}', 'UTF8')), 'hex') AS hash FROM head), appended AS (INSERT INTO audit_events (chain, seq, id, occurred_at, actor_id, actor_kind, actor_display_name, actor_roles, action, target_type, target_id, use_case_id, payload, reason, request_id, source_ip, user_agent, prev_hash, hash) SELECT 'main', seq, gen_random_uuid(), occurred_at::timestamptz, 'bench', 'user', 'Bench', '{}', 'sign_off.recorded', 'sign_off', 'x', NULL, '{"decision":"approve"}', 'looks right', NULL, NULL, NULL, prev_hash, hash FROM sealed RETURNING seq, prev_hash, hash) UPDATE audit_chain_heads SET seq = appended.seq, hash = appended.hash FROM appended, sealed WHERE audit_chain_heads.chain = 'main' RETURNING appended.seq;
WITH head AS (SELECT seq + 1 AS seq, hash AS prev_hash, to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at FROM audit_chain_heads WHERE chain = 'main' FOR UPDATE), sealed AS (SELECT seq, prev_hash, occurred_at, encode(sha256(convert_to('{"action":"sign_off.superseded","actor":{},"chain":"main","context":{},"id":"' || gen_random_uuid() || '","occurredAt":"' || occurred_at || '","payload":{},"prevHash":"' || prev_hash || '","reason":null,"seq":' || seq::text || ',"target":{},"useCaseId":null}', 'UTF8')), 'hex') AS hash FROM head), appended AS (INSERT INTO audit_events (chain, seq, id, occurred_at, actor_id, actor_kind, actor_display_name, actor_roles, action, target_type, target_id, use_case_id, payload, reason, request_id, source_ip, user_agent, prev_hash, hash) SELECT 'main', seq, gen_random_uuid(), occurred_at::timestamptz, 'bench', 'user', 'Bench', '{}', 'sign_off.superseded', 'sign_off', 'x', NULL, '{}', NULL, NULL, NULL, NULL, prev_hash, hash FROM sealed RETURNING seq, prev_hash, hash) UPDATE audit_chain_heads SET seq = appended.seq, hash = appended.hash FROM appended, sealed WHERE audit_chain_heads.chain = 'main' RETURNING appended.seq;
SELECT DISTINCT ON (signer_id) * FROM sign_offs WHERE review_id = (SELECT review_id FROM bench_slots WHERE n = :n) ORDER BY signer_id, created_at DESC, id DESC;
SELECT * FROM gate_reviews WHERE id = (SELECT review_id FROM bench_slots WHERE n = :n);
SELECT * FROM sign_offs WHERE review_id = (SELECT review_id FROM bench_slots WHERE n = :n) ORDER BY created_at, id;
COMMIT;
`;

async function drivePgbench(url: string, clients: number, seconds: number): Promise<{ tps: number }> {
  const target = new URL(url);
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(target.password) };
  const connection = ['-h', target.hostname, '-p', target.port || '5432', '-U', decodeURIComponent(target.username), target.pathname.slice(1)];
  await run('psql', [...connection, '-q', '-c', `
    DROP TABLE IF EXISTS bench_slots;
    CREATE TABLE bench_slots AS
      SELECT n, review_id, use_case_id, revision, content_hash, (SELECT id FROM users WHERE email = 'signer-' || (n - 1) || '@bench.test') AS signer_id
      FROM (SELECT row_number() OVER (ORDER BY opened_at) AS n, id AS review_id, use_case_id, revision, content_hash FROM gate_reviews WHERE status = 'open') AS open_reviews;`], env);
  const scriptFile = path.join(tmpdir(), `gatehouse-sign-off-${process.pid}.sql`);
  await writeFile(scriptFile, PGBENCH_SCRIPT);
  const output = await run('pgbench', [...connection, '-n', '-c', String(clients), '-j', String(Math.min(clients, 2)), '-T', String(seconds), '-D', `clients=${clients}`, '-f', scriptFile], env);
  const tps = Number(/tps = ([\d.]+)/.exec(output)?.[1]);
  if (!Number.isFinite(tps)) throw new Error(`pgbench printed no rate:\n${output}`);
  return { tps };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} exited with ${code}:\n${output}`))));
  });
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
