import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ActionSelection } from './audit-action-patterns';
import { DEFAULT_CHAIN } from './audit-chain';
import { AUDIT_EVENT_COLUMNS, AuditEvent, AuditEventRow, eventFromRow } from './audit-event';

export interface FeedPage {
  /** The next sealed events after the position that the selection wants, in seq order. */
  events: AuditEvent[];
  /**
   * Every event up to here was looked at: the selected ones are in `events`,
   * the rest were not wanted. A consumer that handled `events` may move its
   * position here, past events it never wanted.
   */
  scannedTo: number;
}

/**
 * The sealed trail read as an ordered feed, for consumers that keep their own
 * position in it (webhook endpoints: the trail is their outbox). Only sealed
 * events are read, so a position never moves past an event that could still
 * appear before it (docs/decisions/0011-seal-after-commit.md).
 */
@Injectable()
export class AuditFeed {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The chain's head: the seq of the newest sealed event (0 on an empty chain). */
  async headSeq(): Promise<number> {
    const [head] = (await this.dataSource.query('SELECT seq FROM audit_chain_heads WHERE chain = $1', [DEFAULT_CHAIN])) as { seq: string }[];
    return Number(head?.seq ?? 0);
  }

  /** Up to `limit` selected events after `afterSeq`; one statement, so the head and the events are of one instant. */
  async after(afterSeq: number, selection: ActionSelection, limit: number): Promise<FeedPage> {
    const rows = (await this.dataSource.query(
      `SELECT h.seq AS head_seq, e.* FROM audit_chain_heads h
       LEFT JOIN LATERAL (
         SELECT ${AUDIT_EVENT_COLUMNS} FROM audit_events e
         WHERE e.chain = h.chain AND e.seq > $2 AND e.seq <= h.seq
           AND ($3 OR e.action = ANY($4::text[]) OR split_part(e.action, '.', 1) = ANY($5::text[]))
         ORDER BY e.seq LIMIT $6
       ) e ON true
       WHERE h.chain = $1`,
      [DEFAULT_CHAIN, afterSeq, selection.all, selection.exact, selection.prefixes, limit],
    )) as (AuditEventRow & { head_seq: string })[];
    const head = Number(rows[0]?.head_seq ?? 0);
    const events = rows.filter((row) => row.id !== null).map(eventFromRow);
    // A full page may stop short of the head: only what it covered was looked at.
    const scannedTo = events.length === limit ? events[events.length - 1].seq : Math.max(head, afterSeq);
    return { events, scannedTo };
  }
}
