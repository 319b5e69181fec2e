/**
 * Notification email benchmark: commit-to-send latency. Opens a stream of
 * gate reviews at a steady rate in the real service (each opening asks its
 * slot holders, in its own transaction) and times every email from the
 * moment the opening's transaction committed to the moment a real SMTP
 * server (the `smtp-server` package, in this process) has the whole message.
 * Prints p50/p95/p99/max per poll interval of the sending worker.
 *
 *   npm run bench:notifications                                   # embedded PostgreSQL, 1000 ms poll (the default)
 *   npm run bench:notifications -- --poll-ms 1000,250,50 --rate 20 --seconds 10
 *   npm run bench:notifications -- --poll-only                    # the fallback: emails found by the poll
 *   DATABASE_URL=postgres://… npm run bench:notifications         # another server (a throw-away database on it)
 *
 * The instance whose transaction wrote the notifications starts sending as
 * soon as it commits. --poll-only turns that off, so every email waits for
 * the worker's next poll: what happens to an email whose instance stopped
 * right after the commit, or to a retry.
 *
 * Each opening notifies --recipients developers of the use case's team (the
 * opener may not sign). The service runs in this process; an opening's
 * commit is when ReviewDecisions.open() returns (its transaction has
 * committed); the SMTP server notes when it has received a message's data.
 */
import { Command } from 'commander';
import { AddressInfo } from 'node:net';
import { ClsService } from 'nestjs-cls';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { RequestContext } from '@app/request-context';
import { createApp } from '../apps/api/src/app.setup';
import { GatePoliciesService } from '../apps/api/src/modules/gate-policies/gate-policies.service';
import { ReviewDecisions } from '../apps/api/src/modules/gate-reviews/review-decisions.service';
import { NotificationMailer } from '../apps/api/src/modules/notifications/notification-mailer';
import { PrincipalLoader } from '../apps/api/src/modules/identity/auth/principal.loader';
import { TeamsService } from '../apps/api/src/modules/identity/teams/teams.service';
import { UsersService } from '../apps/api/src/modules/identity/users/users.service';
import { UseCasesService } from '../apps/api/src/modules/use-cases/use-cases.service';
import { openBenchDatabase } from './bench-database';
import { latencyRow, runBenchmark } from './latency-table';

const options = new Command('bench:notifications')
  .option('--poll-ms <list>', "the sending worker's poll intervals to measure, one run each", (v) => v.split(',').map(Number), [1000])
  .option('--rate <n>', 'review openings per second', Number, 10)
  .option('--seconds <n>', 'how long each run opens reviews', Number, 10)
  .option('--recipients <n>', 'people each opening notifies', Number, 2)
  .option('--poll-only', 'the committing instance does not start sending: every email waits for the next poll', false)
  .parse()
  .opts<{ pollMs: number[]; rate: number; seconds: number; recipients: number; pollOnly: boolean }>();

const SETUP_ACTOR = { id: 'bench', kind: 'system' as const, displayName: 'Benchmark', roles: [] };

/** Received messages by Message-ID, with when their data had fully arrived. */
function startSmtpServer() {
  const received = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const at = performance.now();
        const id = /^message-id:\s*(<[^>]+>)/im.exec(Buffer.concat(chunks).toString('latin1'))?.[1];
        if (id) received.set(id, at);
        callback();
      });
    },
  });
  return new Promise<{ url: string; received: Map<string, number>; close(): Promise<void> }>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, received, close: () => new Promise((done) => server.close(() => done())) }),
    );
  });
}

interface Run {
  pollMs: number;
  openings: number;
  emails: number;
  latencies: number[];
  missing: number;
}

async function run(db: { url: string }, pollMs: number, run: number): Promise<Run> {
  const smtp = await startSmtpServer();
  const config = loadConfig({
    NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: db.url,
    GATEHOUSE_ADMIN_EMAIL: 'bench@gatehouse.test', GATEHOUSE_ADMIN_PASSWORD: 'bench-password-123',
    GATEHOUSE_SMTP_URL: smtp.url, GATEHOUSE_NOTIFICATION_POLL_MS: String(pollMs), GATEHOUSE_PUBLIC_URL: 'https://gatehouse.bench.test',
  });
  const app = await createApp(config);
  await app.init();
  if (options.pollOnly) app.get(NotificationMailer).sendAfterCommit = () => undefined;
  try {
    const count = Math.ceil(options.rate * options.seconds);
    const { opener, useCaseIds } = await app.get(ClsService).run(() => {
      app.get(RequestContext).setActor(SETUP_ACTOR);
      return setUp(app, count, `r${run}`);
    });
    const decisions = app.get(ReviewDecisions);
    const committedAt = new Map<string, number>();
    const started = performance.now();
    const openings: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      // A steady stream: opening i starts at i / rate seconds, whatever the others are doing.
      const wait = started + (i * 1000) / options.rate - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      openings.push(
        app.get(ClsService).run(async () => {
          app.get(RequestContext).setActor({ id: opener.userId, kind: 'user', displayName: opener.displayName, roles: [] });
          const review = await decisions.open(opener, useCaseIds[i], { gate: 'design_to_develop' });
          committedAt.set(review.id, performance.now());
        }),
      );
    }
    await Promise.all(openings);
    const rows: { id: string; review_id: string }[] = await app.get(DataSource).query(
      `SELECT id, split_part(cause_key, ':', 2) AS review_id FROM notifications WHERE kind = 'sign_off_needed' AND split_part(cause_key, ':', 2)::uuid = ANY($1::uuid[])`,
      [[...committedAt.keys()]],
    );
    const deadline = performance.now() + pollMs * 5 + 30_000;
    const messageId = (id: string) => `<notification.${id}@gatehouse.bench.test>`;
    while (rows.some((row) => !smtp.received.has(messageId(row.id))) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const latencies = rows.filter((row) => smtp.received.has(messageId(row.id))).map((row) => smtp.received.get(messageId(row.id))! - committedAt.get(row.review_id)!);
    return { pollMs, openings: count, emails: rows.length, latencies, missing: rows.length - latencies.length };
  } finally {
    await app.close();
    await smtp.close();
  }
}

/** A team whose opener opens every review and whose developers are the people notified; `count` use cases ready to open. */
async function setUp(app: Awaited<ReturnType<typeof createApp>>, count: number, tag: string) {
  const users = app.get(UsersService);
  const teams = app.get(TeamsService);
  const policies = app.get(GatePoliciesService);
  const document = structuredClone((await policies.current()).document);
  // Nothing to attach before opening: the benchmark measures the notification, not the gate's paperwork.
  document.gates.design_to_develop.minimal = { signOffs: [{ role: 'developer', quorum: 1 }], evidence: [], checklist: [] };
  await policies.publish(document, 'benchmark: a design gate that asks one developer and nothing else', SETUP_ACTOR);
  const team = await teams.create(`Benchmark team ${tag}`);
  const person = async (name: string) => {
    const user = await users.create({ email: `${name}-${tag}@bench.test`, displayName: name, kind: 'person', password: 'bench-password-123' }, SETUP_ACTOR);
    await teams.addMember(team.id, user.id, 'developer');
    return user;
  };
  const openerUser = await person('opener');
  for (let i = 0; i < options.recipients; i++) await person(`developer-${i}`);
  const opener = (await app.get(PrincipalLoader).forUser(openerUser.id))!;
  const useCaseIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const useCase = await app.get(UseCasesService).create(opener, {
      title: `Benchmark use case ${i}`, businessProblem: 'b', workflow: { description: 'w', components: [] }, inputs: ['i'], outputs: ['o'],
      stakeholders: [{ name: 's', objectives: 'o', affectedNonUser: false }], intendedUse: 'u', foreseeableMisuse: 'm', aiRole: 'both',
      developerTeamId: team.id, deployerTeamId: team.id,
    });
    useCaseIds.push(useCase.id);
  }
  return { opener, useCaseIds };
}


async function main() {
  console.log(`bench:notifications — ${options.rate} review openings/s for ${options.seconds} s, ${options.recipients} people notified per opening; ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL'}`);
  console.log(options.pollOnly ? 'emails wait for the next poll (--poll-only)' : 'the committing instance starts sending at its commit; the poll finds what it did not');
  console.log('commit-to-send latency: from the opening\'s commit to the SMTP server having the whole message (ms)');
  console.log('poll ms | openings | emails | p50 | p95 | p99 | max | not received');
  const db = await openBenchDatabase(4);
  try {
    for (const [index, pollMs] of options.pollMs.entries()) {
      const result = await run(db, pollMs, index);
      console.log(latencyRow(pollMs, [result.openings, result.emails], result.latencies, result.missing));
    }
  } finally {
    await db.close();
  }
}

runBenchmark(main);
