import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PassThrough, pipeline, Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import QueryStream from 'pg-query-stream';
import { DataSource } from 'typeorm';
import { ChainVerifier, DEFAULT_CHAIN, GENESIS_HASH, VerificationResult } from './audit-chain';
import { AUDIT_EVENT_COLUMNS, AuditEvent, AuditEventRow, eventFromRow } from './audit-event';
import { AuditExportFormat, EXPORT_COLUMNS_SQL } from './audit-export-format';
import { copyTextToNdjson } from './copy-to-ndjson';
import { AuditFilter, buildAuditWhere } from './audit-filter';
import { AuditTrail } from './audit-trail.service';

export interface AuditPage {
  items: AuditEvent[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface AuditExport {
  stream: Readable;
  /** The chain head in the exported snapshot: an unfiltered export ends with this event. */
  head: { seq: number; hash: string };
}

export interface VerifyRange {
  fromSeq?: number;
  toSeq?: number;
}

const TRAIL_TARGET = { type: 'audit_trail', id: DEFAULT_CHAIN };

/** Rows fetched per round trip when streaming; bounds memory whatever the chain's length. */
const STREAM_BATCH_SIZE = 1_000;

/**
 * Reads the trail: pages, streamed exports and verification. Each read is
 * itself recorded in the trail, through the same writer as every change.
 */
@Injectable()
export class AuditReader {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly trail: AuditTrail,
  ) {}

  async listEvents(filter: AuditFilter, limit: number): Promise<AuditPage> {
    const { where, params } = buildAuditWhere(filter);
    const rows: AuditEventRow[] = await this.dataSource.query(
      `SELECT ${AUDIT_EVENT_COLUMNS} FROM audit_events ${where} ORDER BY seq LIMIT ${Number(limit) + 1}`,
      params,
    );
    const items = rows.slice(0, limit).map(eventFromRow);
    const nextCursor = rows.length > limit ? encodeCursor(items[items.length - 1].seq) : null;
    await this.recordAccess('audit.read', { filter: describeFilter(filter), returned: items.length });
    return { items, nextCursor };
  }

  /**
   * Streams every matching event, in seq order, from one consistent snapshot
   * that also yields the chain head. PostgreSQL renders the lines (NDJSON) or
   * runs COPY (CSV); rows come in batches and are written as the client reads
   * them, so memory stays flat whatever the size of the export.
   */
  async exportEvents(filter: AuditFilter, format: AuditExportFormat): Promise<AuditExport> {
    await this.recordAccess('audit.exported', { format, filter: describeFilter(filter) });
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    let released = false;
    const release = async (failed: boolean) => {
      if (released) return;
      released = true;
      await client.query(failed ? 'ROLLBACK' : 'COMMIT').catch(() => undefined);
      await runner.release();
    };
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const [head] = (await client.query('SELECT seq, hash FROM audit_chain_heads WHERE chain = $1', [DEFAULT_CHAIN])).rows;
      // COPY takes no bind parameters: the filter values are quoted by the driver's escapeLiteral.
      const { where } = buildAuditWhere(filter, (value) => client.escapeLiteral(value instanceof Date ? value.toISOString() : String(value)));
      const query = `SELECT ${EXPORT_COLUMNS_SQL} FROM audit_events ${where} ORDER BY seq`;
      const source =
        format === 'csv'
          ? client.query(copyTo(`COPY (${query}) TO STDOUT WITH (FORMAT csv, HEADER true)`))
          : pipeline(client.query(copyTo(`COPY (${query}) TO STDOUT`)), copyTextToNdjson(), () => undefined);
      const output = new PassThrough();
      // A client that hangs up mid-export destroys `output`, which ends the query and frees the connection.
      pipeline(source, output, (error) => void release(Boolean(error)));
      return { stream: output, head: { seq: Number(head.seq), hash: head.hash } };
    } catch (error) {
      await release(true);
      throw error;
    }
  }

  /** Walks the chain (or the range) in constant memory and reports the first broken link. */
  async verify(range: VerifyRange = {}, options: { record?: boolean } = {}): Promise<VerificationResult> {
    const result = await this.withSnapshot(async (client) => {
      const fromSeq = range.fromSeq ?? 1;
      const [head] = (await client.query('SELECT seq, hash FROM audit_chain_heads WHERE chain = $1', [DEFAULT_CHAIN])).rows;
      const prevHash =
        fromSeq === 1
          ? GENESIS_HASH
          : (await client.query('SELECT hash FROM audit_events WHERE chain = $1 AND seq = $2', [DEFAULT_CHAIN, fromSeq - 1])).rows[0]?.hash;
      const verifier = new ChainVerifier(DEFAULT_CHAIN, fromSeq, prevHash ?? GENESIS_HASH);
      const params: unknown[] = [DEFAULT_CHAIN, fromSeq];
      let upper = '';
      if (range.toSeq !== undefined) {
        params.push(range.toSeq);
        upper = 'AND seq <= $3';
      }
      const rows = client.query(
        new QueryStream(`SELECT ${AUDIT_EVENT_COLUMNS} FROM audit_events WHERE chain = $1 AND seq >= $2 ${upper} ORDER BY seq`, params, {
          batchSize: STREAM_BATCH_SIZE,
        }),
      );
      try {
        for await (const row of rows) {
          if (!verifier.push(eventFromRow(row as AuditEventRow))) break;
        }
      } finally {
        rows.destroy();
      }
      // Only a walk to the end can tell whether events were cut from the end.
      if (range.toSeq === undefined && head) verifier.checkHead({ seq: Number(head.seq), hash: head.hash });
      return verifier.result();
    });
    if (options.record !== false) {
      await this.recordAccess('audit.verified', { range, intact: result.intact, ...(result.intact ? { toSeq: result.toSeq } : { firstBreak: result.firstBreak }) });
    }
    return result;
  }

  private async recordAccess(action: 'audit.read' | 'audit.exported' | 'audit.verified', data: Record<string, unknown>) {
    await this.dataSource.transaction((manager) => this.trail.record(manager, { action, target: TRAIL_TARGET, data }));
  }

  private async withSnapshot<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
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
