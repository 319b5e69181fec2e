/**
 * Webhook benchmark: commit-to-send latency. Creates teams at a steady rate in
 * the real service (each a change with its audit event, team.created, in its
 * own transaction) and times every delivery from the moment that transaction
 * committed to the moment a receiver (a node http server on 127.0.0.1, in
 * this process) has the whole request. Prints p50/p95/p99/max per poll
 * interval of the delivery worker.
 *
 *   npm run bench:webhooks                                          # embedded PostgreSQL, 1000 ms poll (the default)
 *   npm run bench:webhooks -- --poll-ms 1000,250,50 --rate 20 --seconds 10 --endpoints 4
 *   npm run bench:webhooks -- --writer other                        # changes committed by another process: the poll's path
 *   DATABASE_URL=postgres://… npm run bench:webhooks                # another server (a throw-away database on it)
 *
 * With --writer service (the default) the changes go through the service
 * that delivers, whose sealer nudges its worker as soon as it has sealed
 * them; with --writer other they are written by another connection (as by
 * another instance of the service), which the worker finds at its next poll.
 *
 * The service runs in this process. A change's commit is when
 * TeamsService.create() returns (its transaction has committed); then, as a
 * request's answer does, the service seals the event into the chain. The
 * worker delivers only sealed events, so the figure includes the sealing.
 */
import { Command } from 'commander';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ClsService } from 'nestjs-cls';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditSealer, AuditTrail } from '@app/audit';
import { loadConfig } from '@app/config';
import { RequestContext } from '@app/request-context';
import { createApp } from '../apps/api/src/app.setup';
import { TeamsService } from '../apps/api/src/modules/identity/teams/teams.service';
import { UsersService } from '../apps/api/src/modules/identity/users/users.service';
import { PrincipalLoader } from '../apps/api/src/modules/identity/auth/principal.loader';
import { WebhooksService } from '../apps/api/src/modules/webhooks/webhooks.service';
import { openBenchDatabase } from './bench-database';
import { latencyRow, runBenchmark } from './latency-table';

const options = new Command('bench:webhooks')
  .option('--poll-ms <list>', "the delivery worker's poll intervals to measure, one run each", (v) => v.split(',').map(Number), [1000])
  .option('--rate <n>', 'changes per second', Number, 20)
  .option('--seconds <n>', 'how long each run makes changes', Number, 10)
  .option('--endpoints <n>', 'endpoints receiving every change', Number, 1)
  .option('--writer <who>', "'service': changes made through the delivering service; 'other': by another connection, as another instance", 'service')
  .parse()
  .opts<{ pollMs: number[]; rate: number; seconds: number; endpoints: number; writer: 'service' | 'other' }>();

const SETUP_ACTOR = { id: 'bench', kind: 'system' as const, displayName: 'Benchmark', roles: ['admin'] };

/** When each (endpoint path, team id) arrived. */
function startReceiver() {
  const received = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = performance.now();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { event: { target: { id: string } } } };
      received.set(`${req.url} ${body.data.event.target.id}`, at);
      res.writeHead(204).end();
    });
  });
  return new Promise<{ base: string; received: Map<string, number>; close(): Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        received,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    );
  });
}

interface Run {
  pollMs: number;
  changes: number;
  deliveries: number;
  latencies: number[];
  missing: number;
}

/** Another writer on the database, as another instance of the service would be: its own pool, trail writer and sealer. */
function otherWriter(dataSource: DataSource) {
  const context = { actor: SETUP_ACTOR, requestId: undefined, sourceIp: undefined, userAgent: undefined, noteAuditTransaction: () => undefined } as unknown as RequestContext;
  const sealer = new AuditSealer(dataSource);
  const trail = new AuditTrail(context, sealer);
  return async (name: string) => {
    const id = randomUUID();
    await dataSource.transaction((manager) => trail.record(manager, { action: 'team.created', target: { type: 'team', id }, after: { name } }));
    return { id, seal: () => sealer.sealCommitted() };
  };
}

async function run(db: { url: string; dataSource: DataSource }, pollMs: number, index: number): Promise<Run> {
  const receiver = await startReceiver();
  const config = loadConfig({
    NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: db.url,
    GATEHOUSE_ADMIN_EMAIL: 'bench@gatehouse.test', GATEHOUSE_ADMIN_PASSWORD: 'bench-password-123',
    GATEHOUSE_WEBHOOK_POLL_MS: String(pollMs), GATEHOUSE_WEBHOOK_ALLOW_HTTP: 'true', GATEHOUSE_WEBHOOK_ALLOW_LOOPBACK: 'true',
  });
  const app = await createApp(config);
  await app.init();
  const cls = app.get(ClsService);
  const asSetup = <T>(work: () => Promise<T>) =>
    cls.run(() => {
      app.get(RequestContext).setActor(SETUP_ACTOR);
      return work();
    });
  try {
    const paths = Array.from({ length: options.endpoints }, (_, i) => `/run${index}/endpoint${i}`);
    const admin = await asSetup(async () => {
      const user = await app.get(UsersService).create({ email: `admin-${index}@bench.test`, displayName: 'Bench admin', kind: 'person', password: 'bench-password-123', roles: ['admin'] }, SETUP_ACTOR);
      return (await app.get(PrincipalLoader).forUser(user.id))!;
    });
    const endpointIds: string[] = [];
    for (const path of paths) endpointIds.push((await asSetup(() => app.get(WebhooksService).create(admin, { url: `${receiver.base}${path}`, eventTypes: ['team.*'] }))).id);
    const teams = app.get(TeamsService);
    const sealer = app.get(AuditSealer);
    const other = otherWriter(db.dataSource);
    const count = Math.ceil(options.rate * options.seconds);
    const committedAt = new Map<string, number>();
    const started = performance.now();
    const changes: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      // A steady stream: change i starts at i / rate seconds, whatever the others are doing.
      const wait = started + (i * 1000) / options.rate - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      changes.push(
        asSetup(async () => {
          if (options.writer === 'other') {
            const written = await other(`Bench team ${index}-${i}`);
            committedAt.set(written.id, performance.now());
            await written.seal();
            return;
          }
          const team = await teams.create(`Bench team ${index}-${i}`);
          committedAt.set(team.id, performance.now());
          // What a request's answer does after its commit (AuditSealedInterceptor): seal the event into the chain.
          await sealer.sealCommitted();
        }),
      );
    }
    await Promise.all(changes);
    const expected = [...committedAt.keys()].flatMap((teamId) => paths.map((path) => `${path} ${teamId}`));
    const deadline = performance.now() + pollMs * 5 + 30_000;
    while (expected.some((key) => !receiver.received.has(key)) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const arrived = expected.filter((key) => receiver.received.has(key));
    const latencies = arrived.map((key) => receiver.received.get(key)! - committedAt.get(key.split(' ')[1])!);
    for (const id of endpointIds) await asSetup(() => app.get(WebhooksService).disable(id));
    return { pollMs, changes: count, deliveries: expected.length, latencies, missing: expected.length - arrived.length };
  } finally {
    await app.close();
    await receiver.close();
  }
}


async function main() {
  console.log(
    `bench:webhooks — ${options.rate} changes/s for ${options.seconds} s, ${options.endpoints} endpoint(s) receiving each, changes made ` +
      `${options.writer === 'other' ? 'by another connection (found by the poll)' : 'through the delivering service (its sealer nudges the worker)'}; ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL'}`,
  );
  console.log("commit-to-send latency: from the change's commit to the receiver having the whole request (ms)");
  console.log('poll ms | changes | deliveries | p50 | p95 | p99 | max | not received');
  const db = await openBenchDatabase(4);
  try {
    for (const [index, pollMs] of options.pollMs.entries()) {
      const result = await run(db, pollMs, index);
      console.log(latencyRow(pollMs, [result.changes, result.deliveries], result.latencies, result.missing));
    }
  } finally {
    await db.close();
  }
}

runBenchmark(main);
