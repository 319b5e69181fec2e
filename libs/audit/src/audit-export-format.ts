import { stringify } from 'csv-stringify';
import { Transform } from 'node:stream';
import { AuditEvent } from './audit-event';

export type AuditExportFormat = 'ndjson' | 'csv';

export const EXPORT_MEDIA_TYPES: Record<AuditExportFormat, string> = {
  ndjson: 'application/x-ndjson',
  csv: 'text/csv; charset=utf-8',
};

/** One event per line, each line the event exactly as hashed plus its hash. */
export function ndjsonEncoder(): Transform {
  return new Transform({
    writableObjectMode: true,
    transform(event: AuditEvent, _encoding, done) {
      done(null, `${JSON.stringify(event)}\n`);
    },
  });
}

/**
 * CSV columns, in order, and where each comes from in the event. Nested values
 * (roles, payload) are JSON text; an empty cell is null. docs/audit-chain.md
 * shows how to rebuild the hashed event from a row.
 */
export const CSV_COLUMNS: { header: string; key: string }[] = [
  ['chain', 'chain'], ['seq', 'seq'], ['id', 'id'], ['occurred_at', 'occurredAt'], ['actor_id', 'actor.id'],
  ['actor_kind', 'actor.kind'], ['actor_display_name', 'actor.displayName'], ['actor_roles', 'actor.roles'],
  ['action', 'action'], ['target_type', 'target.type'], ['target_id', 'target.id'], ['use_case_id', 'useCaseId'],
  ['payload', 'payload'], ['reason', 'reason'], ['request_id', 'context.requestId'], ['source_ip', 'context.sourceIp'],
  ['user_agent', 'context.userAgent'], ['prev_hash', 'prevHash'], ['hash', 'hash'],
].map(([header, key]) => ({ header, key }));

/** Events in, RFC 4180 CSV text out. */
export function csvEncoder(): Transform {
  return stringify({ header: true, columns: CSV_COLUMNS, cast: { object: (value) => JSON.stringify(value) } });
}
