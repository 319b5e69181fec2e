/**
 * Audit chain benchmark. Prints, from one run:
 *   - audited writes/s with the chain vs. the same inserts without it (ratio)
 *   - NDJSON and CSV export events/s vs. PostgreSQL's COPY … TO STDOUT of the same rows (ratio), with peak RSS
 *   - verify events/s
 * on a chain of --events events (default 1,000,000).
 *
 *   npm run bench:audit                       # embedded PostgreSQL
 *   DATABASE_URL=postgres://… npm run bench:audit -- --events 200000
 */
import { Command } from 'commander';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import {
  AUDIT_EVENT_COLUMNS, AuditCheckpoints, AuditEvent, AuditEventInput, AuditEventShape, AuditReader, AuditSealer, AuditTrail, computeEventHash, DEFAULT_CHAIN, GENESIS_HASH,
  keyPairFromPrivatePem,
} from '@app/audit';
import { RequestContext } from '@app/request-context';
import { openBenchDatabase } from './bench-database';

const options = new Command('bench:audit')
  .option('--events <n>', 'size of the chain for export and verify', Number, 1_000_000)
  .option('--writes <n>', 'audited writes per write measurement', Number, 10_000)
  .option('--concurrency <n>', 'concurrent writers', Number, 16)
  .option('--rounds <n>', 'interleaved rounds of the write measurements (medians are printed)', Number, 3)
  .parse()
  .opts<{ events: number; writes: number; concurrency: number; rounds: number }>();

const ACTOR = { id: 'bench', kind: 'system' as const, displayName: 'Benchmark', roles: ['admin'] };

/** The request context outside a request: a fixed actor and no HTTP details. */
const benchContext = { actor: ACTOR, requestId: undefined, sourceIp: undefined, userAgent: undefined, noteAuditTransaction: () => undefined } as unknown as RequestContext;

async function main() {
  const db = await openBenchDatabase(options.concurrency + 4);
  const { dataSource } = db;
  const sealer = new AuditSealer(dataSource);
  const trail = new AuditTrail(benchContext, sealer);
  // Each export signs a checkpoint of its head (one insert), as in the service.
  const checkpoints = new AuditCheckpoints(dataSource, keyPairFromPrivatePem(generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()));
  await checkpoints.onModuleInit();
  const reader = new AuditReader(dataSource, trail, checkpoints, sealer);
  const rows: [string, string][] = [];
  try {
    await dataSource.query('CREATE TABLE bench_widgets (id bigserial PRIMARY KEY, name text NOT NULL, payload jsonb NOT NULL)');
    // The same columns as audit_events, filled by the same inserts, but with no chain: no head lock, no hash.
    // The same table as audit_events, indexes included (readers need them either way), but no chain:
    // the primary key on (chain, seq) becomes a plain index, seq comes from a sequence, and nothing is locked or hashed.
    await dataSource.query('CREATE TABLE bench_unchained_events (LIKE audit_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)');
    await dataSource.query('ALTER TABLE bench_unchained_events DROP CONSTRAINT bench_unchained_events_pkey');
    await dataSource.query('CREATE INDEX bench_unchained_events_chain_seq ON bench_unchained_events (chain, seq)');
    await dataSource.query('CREATE SEQUENCE bench_unchained_seq');

    // Interleaved rounds, medians reported: on a small shared machine one measurement of each can differ by a third.
    const unchainedRates: number[] = [];
    const sealedRates: number[] = [];
    const waitingRates: number[] = [];
    const delays: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      unchainedRates.push(await measureWrites(options.writes, options.concurrency, (i) => writeUnchained(dataSource, i)));
      // The chain's own throughput: writers that do not wait, timed until every event is sealed.
      const started = process.hrtime.bigint();
      await measureWrites(options.writes, options.concurrency, (i) => writeChained(dataSource, trail, undefined, i, []));
      if (!(await sealer.sealCommitted())) throw new Error('the events were not sealed in time');
      sealedRates.push(options.writes / (Number(process.hrtime.bigint() - started) / 1e9));
      // As a request does: commit the change with its pending event, then wait until the event is sealed into the chain.
      waitingRates.push(await measureWrites(options.writes, options.concurrency, (i) => writeChained(dataSource, trail, sealer, i, delays)));
    }
    delays.sort((a, b) => a - b);
    const delayAt = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))].toFixed(1);
    const ratios = (rates: number[]) => rates.map((rate, i) => rate / unchainedRates[i]);
    const spread = (values: number[]) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
    const baseline = median(unchainedRates);
    rows.push(['writes/s without chain', `${baseline.toFixed(0)} (median of ${options.rounds} rounds of ${options.writes} txns, ${options.concurrency} writers)`]);
    rows.push(['writes/s chained, sealed', `${median(sealedRates).toFixed(0)} (ratio ${median(ratios(sealedRates)).toFixed(2)}, rounds ${spread(ratios(sealedRates))}; goal >= 0.8; writers not waiting, timed until all are sealed)`]);
    rows.push(['writes/s chained, waiting', `${median(waitingRates).toFixed(0)} (ratio ${median(ratios(waitingRates)).toFixed(2)}, rounds ${spread(ratios(waitingRates))}; each writer waits until its event is sealed, as a request does)`]);
    rows.push(['sealing delay', `p50 ${delayAt(0.5)} ms, p99 ${delayAt(0.99)} ms, max ${delayAt(1)} ms (commit to sealed, ${options.concurrency} writers)`]);

    const filled = await fillChain(dataSource, options.events);
    rows.push(['chain length', `${filled.total} events (bulk-filled ${filled.added} in ${filled.seconds.toFixed(1)} s)`]);

    const copy = await measure(() => copyOut(dataSource));
    const ndjson = await measure(() => drain(reader.exportEvents({}, 'ndjson').then((e) => e.stream)));
    const csv = await measure(() => drain(reader.exportEvents({}, 'csv').then((e) => e.stream)));
    const rate = (seconds: number) => filled.total / seconds;
    rows.push(['COPY TO STDOUT events/s', `${rate(copy.seconds).toFixed(0)} (${mb(copy.bytes)} MB)`]);
    rows.push(['NDJSON export events/s', `${rate(ndjson.seconds).toFixed(0)} (ratio ${(copy.seconds / ndjson.seconds).toFixed(2)} of COPY, ${mb(ndjson.bytes)} MB, peak RSS +${mb(ndjson.rssGrowth)} MB over ${mb(ndjson.rssBefore)} MB)`]);
    rows.push(['CSV export events/s', `${rate(csv.seconds).toFixed(0)} (ratio ${(copy.seconds / csv.seconds).toFixed(2)} of COPY, ${mb(csv.bytes)} MB, peak RSS +${mb(csv.rssGrowth)} MB)`]);

    let verified = '';
    const verify = await measure(async () => {
      const result = await reader.verify({}, { record: false });
      verified = result.intact ? `intact to ${result.toSeq}` : `BROKEN at ${result.firstBreak.seq}`;
      return 0;
    });
    rows.push(['verify events/s', `${rate(verify.seconds).toFixed(0)} (${verified}, peak RSS +${mb(verify.rssGrowth)} MB)`]);
  } finally {
    await db.close();
  }
  const width = Math.max(...rows.map(([label]) => label.length));
  process.stdout.write(`\nGatehouse audit chain benchmark (node ${process.version})\n`);
  for (const [label, value] of rows) process.stdout.write(`  ${label.padEnd(width)}  ${value}\n`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function payloadFor(i: number) {
  return { before: { title: `Use case ${i}`, stage: 'design' }, after: { title: `Use case ${i} (revised)`, stage: 'design' }, revision: i };
}

async function writeChained(dataSource: DataSource, trail: AuditTrail, sealer: AuditSealer | undefined, i: number, delays: number[]) {
  const event = await dataSource.transaction(async (manager) => {
    const [row] = await manager.query('INSERT INTO bench_widgets (name, payload) VALUES ($1, $2) RETURNING id', [`w${i}`, payloadFor(i)]);
    // The payload's shape is the benchmark's, not a real use_case.updated's: the writer's cost depends only on its size.
    return trail.record(manager, { action: 'use_case.updated', target: { type: 'use_case', id: String(row.id) }, ...payloadFor(i) } as AuditEventShape as AuditEventInput);
  });
  if (!sealer) return;
  const committed = process.hrtime.bigint();
  if (!(await sealer.sealThrough(event.xid))) throw new Error('an event was not sealed in time');
  delays.push(Number(process.hrtime.bigint() - committed) / 1e6);
}

async function writeUnchained(dataSource: DataSource, i: number) {
  await dataSource.transaction(async (manager) => {
    const [row] = await manager.query('INSERT INTO bench_widgets (name, payload) VALUES ($1, $2) RETURNING id', [`w${i}`, payloadFor(i)]);
    await manager.query(
      `INSERT INTO bench_unchained_events (chain, seq, id, occurred_at, actor_id, actor_kind, actor_display_name, actor_roles, action,
         target_type, target_id, use_case_id, payload, reason, request_id, source_ip, user_agent, prev_hash, hash)
       VALUES ('main', nextval('bench_unchained_seq'), $1, now(), $2, $3, $4, $5, 'use_case.updated', 'use_case', $6, NULL, $7, NULL, NULL, NULL, NULL, $8, $8)`,
      [randomUUID(), ACTOR.id, ACTOR.kind, ACTOR.displayName, ACTOR.roles, String(row.id), JSON.stringify(payloadFor(i)), GENESIS_HASH],
    );
  });
}

async function measureWrites(total: number, concurrency: number, write: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await write(next++);
    }),
  );
  return total / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** Extends the chain to `target` events with correctly chained rows, loaded by COPY (the write path is measured above). */
async function fillChain(dataSource: DataSource, target: number) {
  const started = process.hrtime.bigint();
  const [head] = await dataSource.query('SELECT seq, hash FROM audit_chain_heads WHERE chain = $1', [DEFAULT_CHAIN]);
  let seq = Number(head.seq);
  let prevHash: string = head.hash;
  const added = Math.max(0, target - seq);
  const runner = dataSource.createQueryRunner();
  const client = (await runner.connect()) as PoolClient;
  try {
    await client.query('BEGIN');
    // A million rows take longer than the service's statement timeout.
    await client.query('SET LOCAL statement_timeout = 0');
    const ingest = client.query(copyFrom(`COPY audit_events (${AUDIT_EVENT_COLUMNS}) FROM STDIN`));
    const baseTime = Date.now();
    async function* lines() {
      while (seq < target) {
        seq += 1;
        const content: Omit<AuditEvent, 'hash'> = {
          chain: DEFAULT_CHAIN, seq, id: randomUUID(), occurredAt: new Date(baseTime + seq).toISOString(), actor: ACTOR,
          action: 'use_case.updated', target: { type: 'use_case', id: String(seq) }, useCaseId: null, payload: payloadFor(seq),
          reason: null, context: { requestId: randomUUID(), sourceIp: '10.0.0.1', userAgent: 'bench/1.0' }, prevHash,
        };
        const hash = computeEventHash(content);
        prevHash = hash;
        yield [
          content.chain, seq, content.id, content.occurredAt, ACTOR.id, ACTOR.kind, ACTOR.displayName, `{${ACTOR.roles.join(',')}}`,
          content.action, content.target.type, content.target.id, '\\N', copyEscape(JSON.stringify(content.payload)), '\\N',
          content.context.requestId, content.context.sourceIp, content.context.userAgent, content.prevHash, hash,
        ].join('\t') + '\n';
      }
    }
    await pipeline(lines(), ingest);
    await client.query('UPDATE audit_chain_heads SET seq = $2, hash = $3 WHERE chain = $1', [DEFAULT_CHAIN, seq, prevHash]);
    await client.query('COMMIT');
    await client.query('SET statement_timeout = 0');
    await client.query('ANALYZE audit_events');
    await client.query('RESET statement_timeout');
  } finally {
    runner.release();
  }
  return { total: seq, added, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

function copyEscape(text: string) {
  return text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
}

async function copyOut(dataSource: DataSource): Promise<number> {
  const runner = dataSource.createQueryRunner();
  const client = (await runner.connect()) as PoolClient;
  try {
    // As the service's exports do: no statement timeout on a stream of the whole chain.
    await client.query('BEGIN');
    await client.query('SET LOCAL statement_timeout = 0');
    const stream = client.query(copyTo(`COPY (SELECT ${AUDIT_EVENT_COLUMNS} FROM audit_events ORDER BY seq) TO STDOUT`));
    const bytes = await drain(Promise.resolve(stream));
    await client.query('COMMIT');
    return bytes;
  } finally {
    runner.release();
  }
}

/** Reads a stream to its end, counting bytes, as a client that keeps up would. */
async function drain(source: Promise<NodeJS.ReadableStream>): Promise<number> {
  let bytes = 0;
  await pipeline(
    await source,
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        bytes += chunk.length;
        done();
      },
    }),
  );
  return bytes;
}

async function measure(work: () => Promise<number>) {
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
  const started = process.hrtime.bigint();
  const bytes = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  return { seconds, bytes, rssBefore, rssGrowth: Math.max(0, peak - rssBefore) };
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
