import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { PassThrough, pipeline, Readable, Transform } from 'node:stream';
import type { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import QueryStream from 'pg-query-stream';
import { DataSource } from 'typeorm';
import { ValidationFailedError } from '@app/errors';
import { ChainHead, ChainVerifier, DEFAULT_CHAIN, GENESIS_HASH, VerificationResult, VerifyRange, verifyRangeProblems } from './audit-chain';
import { AuditDetails } from './audit-actions';
import { AUDIT_EVENT_COLUMNS, AuditEvent, AuditEventRow, eventFromRow } from './audit-event';
import { AuditExportFormat, EXPORT_COLUMNS_SQL } from './audit-export-format';
import { canonicalFromCopyRow } from './canonical-from-copy';
import { copyTextRows, copyTextToNdjson } from './copy-to-ndjson';
import { AuditFilter, buildAuditWhere } from './audit-filter';
import { AuditTrail, PendingAuditEvent } from './audit-trail.service';
import { AuditCheckpoints } from './audit-checkpoints.service';
import { AuditSealer } from './audit-sealer.service';
import { SignedCheckpoint } from './audit-signing';

export interface AuditPage {
  items: AuditEvent[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface AuditExport {
  stream: Readable;
  /** The chain head in the exported snapshot: an unfiltered export ends with this event. */
  head: { seq: number; hash: string };
  /** That head, signed (docs/audit-chain.md, section 7): an unfiltered export verifies against it offline. */
  checkpoint: SignedCheckpoint;
}

/** Whether a check was recorded as `audit.verified`, and if not, why. */
/** `seq` is null when the record was committed but not yet sealed into the chain when the answer went out. */
export type VerificationRecording = { recorded: true; seq: number | null } | { recorded: false; reason: string };

export type VerificationReport = VerificationResult & { recording: VerificationRecording };

const TRAIL_TARGET = { type: 'audit_trail', id: DEFAULT_CHAIN };

type TrailAccessAction = 'audit.read' | 'audit.exported' | 'audit.verified';
/** Reading the trail is itself recorded, with what was read. */
type TrailAccess = { [A in TrailAccessAction]: { action: A } & AuditDetails[A] }[TrailAccessAction];

/** Rows fetched per round trip when streaming; bounds memory whatever the chain's length. */
const STREAM_BATCH_SIZE = 1_000;

/**
 * Reads the trail: pages, streamed exports and verification. Each read is
 * itself recorded in the trail, through the same writer as every change.
 */
@Injectable()
export class AuditReader {
  private readonly logger = new Logger('AuditReader');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly trail: AuditTrail,
    private readonly checkpoints: AuditCheckpoints,
    private readonly sealer: AuditSealer,
  ) {}

  async listEvents(filter: AuditFilter, limit: number): Promise<AuditPage> {
    const { where, params } = buildAuditWhere(filter);
    const rows: AuditEventRow[] = await this.dataSource.query(
      `SELECT ${AUDIT_EVENT_COLUMNS} FROM audit_events ${where} ORDER BY seq LIMIT ${Number(limit) + 1}`,
      params,
    );
    const items = rows.slice(0, limit).map(eventFromRow);
    const nextCursor = rows.length > limit ? encodeCursor(items[items.length - 1].seq) : null;
    await this.recordAccess({ action: 'audit.read', data: { filter: describeFilter(filter), returned: items.length } });
    return { items, nextCursor };
  }

  /**
   * Streams every matching event, in seq order, from one consistent snapshot
   * that also yields the chain head. PostgreSQL renders the lines (NDJSON) or
   * runs COPY (CSV); rows come in batches and are written as the client reads
   * them, so memory stays flat whatever the size of the export.
   *
   * `audit.exported` is recorded (and committed) first, so that the snapshot,
   * taken after it, holds it. It records the request: if the export then fails,
   * the event stays and the failure is logged. A query that fails before its
   * first output is thrown from here, for a problem+json answer; one that fails
   * later ends the stream with an error, which must cut the response short.
   */
  async exportEvents(filter: AuditFilter, format: AuditExportFormat, options: { snapshot?: string; record?: boolean } = {}): Promise<AuditExport> {
    if (options.record !== false) {
      const exported = await this.recordAccess({ action: 'audit.exported', data: { format, filter: describeFilter(filter) } });
      // Sealed before the snapshot is taken: the export holds the record of its own making.
      await this.sealer.sealThrough(exported.xid);
    }
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    let released = false;
    const release = async (failed: boolean) => {
      if (released) return;
      released = true;
      if (failed) {
        // A COPY given up midway (a client that hung up) leaves the server writing to a connection nobody reads:
        // a ROLLBACK would queue behind it for ever. The connection is closed instead (the server rolls back),
        // and the pool, seeing it ended, drops it rather than lend it again.
        await client.end().catch(() => undefined);
      } else {
        await client.query('COMMIT').catch(() => undefined);
      }
      await runner.release();
    };
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      // The caller's instant, when it gives one (an evidence pack reads the rest of the pack in that snapshot).
      if (options.snapshot) await client.query(`SET TRANSACTION SNAPSHOT ${client.escapeLiteral(options.snapshot)}`);
      // A walk or an export of a long chain may outlast the pool's statement timeout; it reads a snapshot and locks nothing.
      await client.query('SET LOCAL statement_timeout = 0');
      const head = await readHead(client);
      // Signed (on another connection) before the first byte, so the response headers can carry it.
      const checkpoint = await this.checkpoints.checkpointAt(head);
      // COPY takes no bind parameters: the filter values are quoted by the driver's escapeLiteral.
      const { where } = buildAuditWhere(filter, (value) => client.escapeLiteral(value instanceof Date ? value.toISOString() : String(value)));
      const query = `SELECT ${EXPORT_COLUMNS_SQL} FROM audit_events ${where} ORDER BY seq`;
      const source =
        format === 'csv'
          ? client.query(copyTo(`COPY (${query}) TO STDOUT WITH (FORMAT csv, HEADER true)`))
          : pipeline(client.query(copyTo(`COPY (${query}) TO STDOUT`)), copyTextToNdjson(), () => undefined);
      const output = new PassThrough();
      const start = startSignal();
      // A client that hangs up mid-export destroys `output`, which ends the query and frees the connection.
      pipeline(source, start.gate, output, (error) => {
        if (error) start.fail(error);
        void release(Boolean(error));
      });
      await start.started;
      return { stream: output, head, checkpoint };
    } catch (error) {
      await release(true);
      throw error;
    }
  }

  /**
   * Walks the chain (or the range) in constant memory and reports the first
   * broken link, then records the check as `audit.verified` — only when that
   * cannot change what the next check reports (docs/audit-chain.md, section 3).
   * A range the chain does not reach is refused (ValidationFailedError).
   */
  async verify(range: VerifyRange = {}, options: { record?: boolean } = {}): Promise<VerificationReport> {
    const { result, tailIsSound } = await this.withSnapshot(async (client) => {
      const head = await readHead(client);
      const problems = verifyRangeProblems(range, head);
      if (problems.length > 0) throw new ValidationFailedError(problems);
      const result = await walkChain(client, range, head);
      // A check that reached the end has compared the head already; a shorter range has not.
      const reachedEnd = range.toSeq === undefined;
      return { result, tailIsSound: reachedEnd ? result.intact : await tailMatchesHead(client, head) };
    });
    if (!result.intact) {
      this.logger.error({ chain: result.chain, firstBreak: result.firstBreak, range }, 'the audit chain is broken');
    }
    const recording = options.record === false ? NOT_REQUESTED : await this.recordVerification(range, result, tailIsSound);
    return { ...result, recording };
  }

  /**
   * Appends `audit.verified` only after an intact check of a chain whose end
   * is where its head says. Appending to a broken chain would move its break:
   * after events cut from the end, the new event at head + 1 would turn the
   * head mismatch into a sequence gap at a later seq, and the next check would
   * no longer report what this one found.
   */
  private async recordVerification(range: VerifyRange, result: VerificationResult, tailIsSound: boolean): Promise<VerificationRecording> {
    if (!result.intact) {
      return { recorded: false, reason: `the chain is broken at seq ${result.firstBreak.seq}; appending to it would change the break the next check reports, so the break was logged instead` };
    }
    if (!tailIsSound) {
      return { recorded: false, reason: 'the range is intact but the chain does not end at its recorded head; check the whole chain (without toSeq) to see where it breaks' };
    }
    try {
      const event = await this.recordAccess({ action: 'audit.verified', data: { range, intact: true, toSeq: result.toSeq, headHash: result.headHash } });
      // Its place in the chain is known once it is sealed: the caller is told where to find it.
      const [sealed] = await this.sealed([event]);
      return { recorded: true, seq: sealed?.seq ?? null };
    } catch (error) {
      // The check itself stands; only its record failed (an event may have been put after the head since the snapshot).
      this.logger.error({ err: error }, 'could not record an audit chain verification');
      return { recorded: false, reason: 'recording the check failed; the server log has the cause, and the next check will show whether the chain broke meanwhile' };
    }
  }

  /**
   * These events (written in transactions that have ended) as sealed into the
   * chain, in the order given; an event not yet sealed when the wait ends is
   * left out.
   */
  async sealed(events: PendingAuditEvent[], timeoutMs?: number): Promise<AuditEvent[]> {
    if (!events.length) return [];
    const newest = events.reduce((max, event) => (event.xid > max ? event.xid : max), 0n);
    await this.sealer.sealThrough(newest, timeoutMs);
    const rows: AuditEventRow[] = await this.dataSource.query(`SELECT ${AUDIT_EVENT_COLUMNS} FROM audit_events WHERE id = ANY($1::uuid[])`, [events.map((event) => event.id)]);
    const byId = new Map(rows.map((row) => [row.id, eventFromRow(row)]));
    return events.flatMap((event) => byId.get(event.id) ?? []);
  }

  private recordAccess(access: TrailAccess) {
    return this.dataSource.transaction((manager) => this.trail.record(manager, { ...access, target: TRAIL_TARGET }));
  }

  private async withSnapshot<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      // A walk or an export of a long chain may outlast the pool's statement timeout; it reads a snapshot and locks nothing.
      await client.query('SET LOCAL statement_timeout = 0');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }
}

/**
 * A pass-through stage that tells when the first chunk went through (or the
 * stream ended empty), or that the stream failed before either.
 */
function startSignal() {
  let resolve!: () => void;
  let fail!: (error: Error) => void;
  const started = new Promise<void>((onStart, onFailure) => {
    resolve = onStart;
    fail = onFailure;
  });
  const gate = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      resolve();
      done(null, chunk);
    },
    flush(done) {
      resolve();
      done();
    },
  });
  return { gate, started, fail };
}

const NOT_REQUESTED: VerificationRecording = { recorded: false, reason: 'recording was not requested' };

async function readHead(client: PoolClient): Promise<ChainHead> {
  const [head] = (await client.query('SELECT seq, hash FROM audit_chain_heads WHERE chain = $1', [DEFAULT_CHAIN])).rows;
  if (!head) throw new Error(`The audit chain "${DEFAULT_CHAIN}" has no head row; are the migrations applied?`);
  return { seq: Number(head.seq), hash: head.hash };
}

/** Streams the range's events through a ChainVerifier; a walk without toSeq also checks the end against the head. */
async function walkChain(client: PoolClient, range: VerifyRange, head: ChainHead): Promise<VerificationResult> {
  const fromSeq = range.fromSeq ?? 1;
  const prevHash =
    fromSeq === 1
      ? GENESIS_HASH
      : (await client.query('SELECT hash FROM audit_events WHERE chain = $1 AND seq = $2', [DEFAULT_CHAIN, fromSeq - 1])).rows[0]?.hash;
  const verifier = new ChainVerifier(DEFAULT_CHAIN, fromSeq, prevHash ?? GENESIS_HASH, head);
  // COPY streams rows as text at close to the server's own speed, and the canonical form is built from
  // that text directly (canonicalFromCopyRow): no row objects, no generic walk of the event's own members.
  const upper = range.toSeq === undefined ? '' : ` AND seq <= ${Number(range.toSeq)}`;
  const query = `SELECT ${EXPORT_COLUMNS_SQL} FROM audit_events WHERE chain = ${client.escapeLiteral(DEFAULT_CHAIN)} AND seq >= ${Number(fromSeq)}${upper} ORDER BY seq`;
  const source = client.query(copyTo(`COPY (${query}) TO STDOUT`));
  // Read to the end even after a break: a COPY cannot be left half-read on a connection that goes back to the pool.
  for await (const rows of copyTextRows(source)) {
    if (verifier.isBroken) continue;
    for (const f of rows) {
      const link = { seq: Number(f[1]), id: f[2], prevHash: f[17], hash: f[18] };
      if (!verifier.pushLink(link, () => createHash('sha256').update(canonicalFromCopyRow(f), 'utf8').digest('hex'))) break;
    }
  }
  // Only a walk to the end can tell whether events were cut from the end.
  if (range.toSeq === undefined) verifier.checkHead(head);
  return verifier.result();
}

/** The last event is the head's (same seq, same hash) and nothing lies beyond it: two index lookups. */
async function tailMatchesHead(client: PoolClient, head: ChainHead): Promise<boolean> {
  const [tail] = (
    await client.query(
      `SELECT (SELECT hash FROM audit_events WHERE chain = $1 AND seq = $2) AS last_hash,
              EXISTS (SELECT 1 FROM audit_events WHERE chain = $1 AND seq > $2) AS beyond`,
      [DEFAULT_CHAIN, head.seq],
    )
  ).rows;
  const lastHash = head.seq === 0 ? GENESIS_HASH : tail.last_hash;
  return lastHash === head.hash && !tail.beyond;
}

export function encodeCursor(seq: number): string {
  return Buffer.from(`seq:${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string): number | undefined {
  const match = /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

function describeFilter(filter: AuditFilter): Record<string, unknown> {
  return JSON.parse(JSON.stringify(filter)) as Record<string, unknown>;
}
