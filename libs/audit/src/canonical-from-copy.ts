import { COPY_NULL, unescapeCopy } from './copy-to-ndjson';

/**
 * The canonical JSON (RFC 8785) of an event, hash excluded, built straight
 * from one text-format COPY row of EXPORT_COLUMNS_SQL — the same string
 * computeEventHash hashes for the event, without first building the event
 * object and walking it generically. The event's own members have a fixed
 * shape, so they are written in JCS member order here; only the payload, whose
 * shape is free, goes through the generic canonicalizer. JSON.stringify of a
 * string is JCS's string form, and seq is a safe integer.
 *
 * Column order of EXPORT_COLUMNS_SQL: chain, seq, id, occurred_at, actor_id,
 * actor_kind, actor_display_name, actor_roles, action, target_type, target_id,
 * use_case_id, payload, reason, request_id, source_ip, user_agent, prev_hash, hash.
 */
export function canonicalFromCopyRow(f: string[]): string {
  // to_json of text[] writes plain strings as JCS does; a role with an escape is re-serialised to be sure.
  const roles = f[7].includes('\\') ? `[${(JSON.parse(unescapeCopy(f[7])) as string[]).map((role) => JSON.stringify(role)).join(',')}]` : f[7];
  return (
    `{"action":${text(f[8])},` +
    `"actor":{"displayName":${text(f[6])},"id":${text(f[4])},"kind":${text(f[5])},"roles":${roles}},` +
    `"chain":${text(f[0])},` +
    `"context":{"requestId":${text(f[14])},"sourceIp":${text(f[15])},"userAgent":${text(f[16])}},` +
    `"id":${text(f[2])},"occurredAt":${text(f[3])},` +
    `"payload":${canonicalValue(JSON.parse(unescapeCopy(f[12])))},` +
    `"prevHash":${text(f[17])},"reason":${text(f[13])},"seq":${Number(f[1])},` +
    `"target":{"id":${text(f[10])},"type":${text(f[9])}},` +
    `"useCaseId":${text(f[11])}}`
  );
}

/**
 * RFC 8785 for what JSON.parse returns (no undefined, functions or toJSON to
 * consider): numbers and strings as JSON.stringify writes them, which is
 * JCS's form, and members sorted by UTF-16 code units (the default sort).
 * The canonicalize package does the same for any value; this is the
 * verifier's innermost loop, and the narrower job is measurably faster. The
 * spec checks both give the same text.
 */
export function canonicalValue(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalValue(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const names = Object.keys(record).sort();
  let out = '{';
  for (let i = 0; i < names.length; i++) out += `${i ? ',' : ''}${JSON.stringify(names[i])}:${canonicalValue(record[names[i]])}`;
  return `${out}}`;
}

function text(field: string): string {
  return field === COPY_NULL ? 'null' : JSON.stringify(unescapeCopy(field));
}
