/**
 * Exports leave the database through COPY: as finished CSV records, or as
 * COPY text that copyTextToNdjson turns into NDJSON lines. Either way an export
 * streams at close to the speed of COPY itself.
 */
export type AuditExportFormat = 'ndjson' | 'csv';

export const EXPORT_MEDIA_TYPES: Record<AuditExportFormat, string> = {
  ndjson: 'application/x-ndjson',
  csv: 'text/csv; charset=utf-8',
};

/** occurredAt as hashed: UTC, milliseconds, `Z`, e.g. 2026-11-25T11:40:03.127Z. */
const OCCURRED_AT_SQL = `to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Exported columns, in the order of the CSV (docs/audit-chain.md section 4).
 * Roles and payload are JSON text; a NULL is an empty CSV cell, and no stored
 * text is ever empty.
 */
export const EXPORT_COLUMNS_SQL = [
  'chain', 'seq', 'id', `${OCCURRED_AT_SQL} AS occurred_at`, 'actor_id', 'actor_kind', 'actor_display_name',
  'to_json(actor_roles)::text AS actor_roles', 'action', 'target_type', 'target_id', 'use_case_id',
  'payload::text AS payload', 'reason', 'request_id', 'source_ip', 'user_agent', 'prev_hash', 'hash',
].join(', ');
