import { DEFAULT_CHAIN } from './audit-chain';

/** Filters shared by the paged listing, the export and the verification range. */
export interface AuditFilter {
  from?: Date;
  to?: Date;
  useCaseId?: string;
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  /** Only events with seq at or after this. */
  fromSeq?: number;
  /** Only events with seq at or before this. */
  toSeq?: number;
  /** Only events with seq greater than this (the paging cursor). */
  afterSeq?: number;
}

/**
 * Builds a parameterised WHERE clause; values never enter the SQL text. For
 * statements that take no parameters (COPY), `quote` renders each value as a
 * literal instead, and must be the driver's own escaping.
 *
 * It always names the chain: with it, the primary key (chain, seq) yields the
 * events in seq order from any cursor, where without it PostgreSQL would sort
 * the whole trail for every page.
 */
export function buildAuditWhere(filter: AuditFilter, quote?: (value: unknown) => string): { where: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    if (quote) {
      conditions.push(sql.replace('?', quote(value)));
      return;
    }
    params.push(value);
    conditions.push(sql.replace('?', `$${params.length}`));
  };
  add('chain = ?', DEFAULT_CHAIN);
  if (filter.from) add('occurred_at >= ?', filter.from);
  if (filter.to) add('occurred_at < ?', filter.to);
  if (filter.useCaseId) add('use_case_id = ?', filter.useCaseId);
  if (filter.actorId) add('actor_id = ?', filter.actorId);
  if (filter.action) add('action = ?', filter.action);
  if (filter.targetType) add('target_type = ?', filter.targetType);
  if (filter.targetId) add('target_id = ?', filter.targetId);
  if (filter.fromSeq !== undefined) add('seq >= ?', filter.fromSeq);
  if (filter.toSeq !== undefined) add('seq <= ?', filter.toSeq);
  if (filter.afterSeq !== undefined) add('seq > ?', filter.afterSeq);
  return { where: `WHERE ${conditions.join(' AND ')}`, params };
}

export function isFiltered(filter: AuditFilter): boolean {
  return Object.values(filter).some((value) => value !== undefined);
}
