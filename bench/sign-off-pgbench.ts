import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * The sign-off benchmark's pgbench side: the statements one sign-off runs, in
 * the order the service runs them (the principal load, then one transaction:
 * the review's use case locked, the review locked, the authors, the current
 * decisions, the insert, the audit write, the use case's team members to
 * tell), sent as the service sends them (extended protocol, unnamed statements,
 * parameters), each transaction on its own review. Keep it equal to what the
 * service sends: run the service with log_statement = 'all' and compare.
 *
 * pgbench variables (`:name`) stand for the service's parameters: the first
 * statement picks the transaction's review and signer into them (\gset), and
 * later ones \gset what the service reads from an earlier answer.
 */

/** What one audit event of a sign-off is made of, as SQL expressions over the script's variables. */
export interface PgbenchAuditEvent {
  action: string;
  targetType: string;
  /** SQL for the target's id (text). */
  targetId: string;
  /** SQL for the payload's canonical JSON text (keys sorted, as canonicalize writes it). */
  payload: string;
  reason: string | null;
}

/**
 * The audit write of one event, for pgbench, in two forms. Swap these when
 * AuditTrail's write changes (libs/audit/src/audit-trail.service.ts), keeping
 * the two forms equal in work except for the chain's serialisation.
 *
 * - chained: APPEND_EVENT_SQL as it is at the time of writing (commit aa47646):
 *   lock the chain head, hash the canonical JSON completed with time, prevHash
 *   and seq, insert into audit_events and move the head. The head's lock is
 *   held until commit, so writers queue on it.
 * - unchained: the same event, hashed the same way, inserted into
 *   bench_unchained_events (audit_events' columns, constraints and indexes,
 *   with the primary key on (chain, seq) replaced by a plain index on the same
 *   columns), its seq from a sequence and a fixed prevHash: no head to lock.
 *
 * Variables used: :signer_id, :u_display_name, :team_id, :use_case_id.
 */
export const PGBENCH_AUDIT_WRITE = {
  setUp: [
    'DROP TABLE IF EXISTS bench_unchained_events',
    'DROP SEQUENCE IF EXISTS bench_unchained_seq',
    'CREATE TABLE bench_unchained_events (LIKE audit_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)',
    'ALTER TABLE bench_unchained_events DROP CONSTRAINT bench_unchained_events_pkey',
    'CREATE INDEX bench_unchained_events_chain_seq ON bench_unchained_events (chain, seq)',
    'CREATE SEQUENCE bench_unchained_seq',
  ],

  /** The service's write now (AuditTrail): the event left pending in the change's transaction, no lock. */
  chained: (event: PgbenchAuditEvent) => `
WITH e AS (SELECT gen_random_uuid() AS id, gen_random_uuid()::text AS request_id, (${event.payload}) AS payload)
INSERT INTO audit_pending (chain, event_id, actor_id, actor_kind, actor_display_name, actor_roles, action, target_type, target_id,
    use_case_id, payload, reason, request_id, source_ip, user_agent, canonical, xid, occurred_at)
  SELECT 'main', id, :signer_id::text, 'user', :u_display_name::text, ARRAY['developer@' || :team_id::text], ${lit(event.action)}, ${lit(event.targetType)}, ${event.targetId},
    :use_case_id::uuid, payload::jsonb, ${event.reason === null ? 'NULL' : lit(event.reason)}, request_id, '127.0.0.1', 'pgbench', ARRAY[${canonicalParts(event).join(', ')}], '0', ''
  FROM e
  RETURNING xid::text, occurred_at;`,

  /** The write before the chain was sealed after commit: the head locked, held until the writer's commit. */
  locked: (event: PgbenchAuditEvent) => `
WITH head AS (
    SELECT seq + 1 AS seq, hash AS prev_hash, ${eventParts(event)}
    FROM audit_chain_heads WHERE chain = 'main' FOR UPDATE
  ), sealed AS (
    SELECT *, encode(sha256(convert_to(${canonicalJson(event)}, 'UTF8')), 'hex') AS hash FROM head
  ), appended AS (
    INSERT INTO audit_events (${AUDIT_COLUMNS})
    SELECT ${auditValues(event)} FROM sealed
    RETURNING seq, prev_hash, hash
  )
  UPDATE audit_chain_heads SET seq = appended.seq, hash = appended.hash
  FROM appended, sealed WHERE audit_chain_heads.chain = 'main'
  RETURNING appended.seq, sealed.occurred_at, appended.prev_hash, appended.hash;`,

  unchained: (event: PgbenchAuditEvent) => `
WITH head AS (
    SELECT nextval('bench_unchained_seq') AS seq, repeat('0', 64) AS prev_hash, ${eventParts(event)}
  ), sealed AS (
    SELECT *, encode(sha256(convert_to(${canonicalJson(event)}, 'UTF8')), 'hex') AS hash FROM head
  )
  INSERT INTO bench_unchained_events (${AUDIT_COLUMNS})
  SELECT ${auditValues(event)} FROM sealed
  RETURNING seq, occurred_at, prev_hash, hash;`,
};

const AUDIT_COLUMNS = `chain, seq, id, occurred_at, actor_id, actor_kind, actor_display_name, actor_roles,
      action, target_type, target_id, use_case_id, payload, reason, request_id, source_ip, user_agent, prev_hash, hash`;

/** The event's id, request id, payload and time: made once, used in the hash and in the row. */
function eventParts(event: PgbenchAuditEvent) {
  return `gen_random_uuid() AS id, gen_random_uuid()::text AS request_id, (${event.payload}) AS payload,
           to_char(clock_timestamp() AT TIME ZONE 'UTC', ${lit('YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')}) AS occurred_at`;
}

function auditValues(event: PgbenchAuditEvent) {
  return `'main', seq, id, occurred_at::timestamptz, :signer_id::text, 'user', :u_display_name::text, ARRAY['developer@' || :team_id::text],
      ${lit(event.action)}, ${lit(event.targetType)}, ${event.targetId}, :use_case_id::uuid, payload::jsonb, ${event.reason === null ? 'NULL' : lit(event.reason)},
      request_id, '127.0.0.1', 'pgbench', prev_hash, hash`;
}

/** The canonical JSON the service hashes (libs/audit/src/audit-chain.ts: keys sorted), completed with time, prevHash and seq. */
function canonicalJson(event: PgbenchAuditEvent) {
  return canonicalPieces(event).join(' || ');
}

/** The four parts the pending event carries: the canonical JSON cut around occurredAt, prevHash and seq (canonicalEventTemplate). */
function canonicalParts(event: PgbenchAuditEvent): string[] {
  const parts: string[][] = [[]];
  for (const piece of canonicalPieces(event)) {
    if (piece === 'occurred_at' || piece === 'prev_hash' || piece === 'seq::text') parts.push([]);
    else parts[parts.length - 1].push(piece);
  }
  return parts.map((part) => part.join(' || '));
}

function canonicalPieces(event: PgbenchAuditEvent): string[] {
  return [
    lit(`{"action":${JSON.stringify(event.action)},"actor":{"displayName":"`), ':u_display_name::text',
    lit('","id":"'), ':signer_id::text',
    lit('","kind":"user","roles":["developer@'), ':team_id::text',
    lit('"]},"chain":"main","context":{"requestId":"'), 'request_id',
    lit('","sourceIp":"127.0.0.1","userAgent":"pgbench"},"id":"'), 'id::text',
    lit('","occurredAt":"'), 'occurred_at',
    lit('","payload":'), 'payload',
    lit(',"prevHash":"'), 'prev_hash',
    lit(`","reason":${JSON.stringify(event.reason)},"seq":`), 'seq::text',
    lit(',"target":{"id":"'), event.targetId,
    lit(`","type":${JSON.stringify(event.targetType)}},"useCaseId":"`), ':use_case_id::text',
    lit('"}'),
  ];
}

/**
 * A string literal pgbench leaves alone: pgbench reads `:name` as a variable
 * even inside quotes, so a colon followed by a name character ends one
 * literal and starts the next (PostgreSQL folds the constant concatenation).
 */
export function lit(text: string): string {
  const quoted = (part: string) => `'${part.replaceAll("'", "''")}'`;
  const parts = text.split(/(?<=:)(?=[A-Za-z0-9_])/);
  return parts.length === 1 ? quoted(text) : `(${parts.map(quoted).join(' || ')})`;
}

/** The events of one sign-off: recorded, and with a previous decision of the signer's, superseded. */
function signOffEvents(resign: boolean): PgbenchAuditEvent[] {
  const recorded: PgbenchAuditEvent = {
    action: 'sign_off.recorded',
    targetType: 'sign_off',
    targetId: ':s_id::text',
    payload: [
      lit('{"conditions":[],"contentHash":"'), ':r_content_hash::text',
      lit('","decision":"approve","gate":"'), ':r_gate::text',
      lit('","reviewId":"'), ':review_id::text',
      lit('","revision":'), ':r_revision::text',
      lit(',"role":"developer","supersedes":'), resign ? `'"' || :p_id::text || '"'` : lit('null'),
      lit('}'),
    ].join(' || '),
    reason: 'looks right',
  };
  if (!resign) return [recorded];
  const superseded: PgbenchAuditEvent = {
    action: 'sign_off.superseded',
    targetType: 'sign_off',
    targetId: ':p_id::text',
    payload: [lit('{"previousDecision":"'), ':p_decision::text', lit('","reviewId":"'), ':review_id::text', lit('","supersededBy":"'), ':s_id::text', lit('"}')].join(' || '),
    reason: null,
  };
  return [recorded, superseded];
}

/** The pool of reviews pgbench signs, by mode: a fresh one per transaction, or one per client signed again and again. */
export const PGBENCH_POOL = { fresh: 'pgbench', resign: 'pgbench-resign' } as const;

const USER_COLUMNS = `"u"."id" AS "u_id", "u"."email" AS "u_email", "u"."display_name" AS "u_display_name", "u"."kind" AS "u_kind", "u"."active" AS "u_active", "u"."created_at" AS "u_created_at", "u"."deactivated_at" AS "u_deactivated_at", "u"."password_changed_at" AS "u_password_changed_at", coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM user_roles r WHERE r.user_id = "u"."id"), '{}') AS "roles", coalesce((SELECT json_agg(json_build_object('teamId', m.team_id, 'role', m.role) ORDER BY m.team_id, m.role) FROM team_members m WHERE m.user_id = "u"."id"), '[]') AS "teams"`;

/**
 * The script. Fresh: each transaction takes the next review of the pool
 * (a sequence, wrapping at :pool_size). Resign: client k signs review k + 1
 * every time, superseding its previous decision (the pool's reviews start
 * with one decision each, so there always is one).
 */
/** After commit, as AuditSealer does (the service coalesces these rounds; here every transaction runs one). */
const SEAL_AFTER_COMMIT = 'SELECT sealed FROM seal_audit_events(1000);\n';

export function pgbenchScript(mode: 'fresh' | 'resign', chain: 'chained' | 'locked' | 'unchained'): string {
  const resign = mode === 'resign';
  // The principal load (PrincipalLoader), with the review and signer picked in the same statement: no extra round trip.
  const pick = resign
    ? `SELECT b.review_id, b.use_case_id, b.signer_id, ${USER_COLUMNS}
FROM bench_reviews b JOIN "users" "u" ON "u"."id" = b.signer_id WHERE b.pool = '${PGBENCH_POOL.resign}' AND b.n = :client_id + 1
\\gset`
    : `WITH pick AS (SELECT (nextval('bench_pick') - 1) % :pool_size + 1 AS n)
SELECT b.review_id, b.use_case_id, b.signer_id, ${USER_COLUMNS}
FROM pick JOIN bench_reviews b ON b.pool = '${PGBENCH_POOL.fresh}' AND b.n = pick.n JOIN "users" "u" ON "u"."id" = b.signer_id
\\gset`;
  const audit = signOffEvents(resign).map((event) => PGBENCH_AUDIT_WRITE[chain](event).trim()).join('\n');
  return `${pick}
START TRANSACTION;
SELECT u.* FROM use_cases u WHERE u.id = (SELECT r.use_case_id FROM gate_reviews r WHERE r.id = :review_id) FOR UPDATE OF u
\\gset uc_
SELECT r.* FROM gate_reviews r WHERE r.id = :review_id FOR UPDATE
\\gset r_
SELECT use_case_id, array_agg(DISTINCT author_id) AS author_ids FROM use_case_revisions WHERE use_case_id = ANY(ARRAY[:use_case_id::uuid]) AND NOT (changed_fields <@ ARRAY['tierOverride']::text[]) GROUP BY use_case_id;
SELECT DISTINCT ON (s.review_id, s.signer_id) s.* FROM sign_offs s
  WHERE s.review_id = ANY(ARRAY[:review_id]::uuid[]) ORDER BY s.review_id, s.signer_id, s.created_at DESC, s.id DESC
${resign ? '\\gset p_' : ';'}
INSERT INTO sign_offs (review_id, signer_id, role, decision, comment, conditions, revision, content_hash, supersedes)
  VALUES (:review_id, :signer_id, 'developer', 'approve', 'looks right', '[]', :r_revision, :r_content_hash, ${resign ? ':p_id' : 'NULL'}) RETURNING *
\\gset s_
${audit}
SELECT u.id FROM users u
  WHERE u.active AND u.kind = 'person'
    AND (EXISTS (SELECT 1 FROM team_members m WHERE m.user_id = u.id AND m.team_id = ANY(ARRAY[:uc_developer_team_id, :uc_deployer_team_id]::uuid[]))
         OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = ANY('{}'::text[])))
  ORDER BY u.id;
COMMIT;
${chain === 'chained' ? SEAL_AFTER_COMMIT : ''}`;
}

export interface PgbenchRun {
  clients: number;
  seconds: number;
  script: string;
  variables: Record<string, string | number>;
  /** extended: unnamed statements, parsed and planned every time; prepared: parsed once per connection. */
  protocol?: 'extended' | 'prepared';
}

/** Runs pgbench against `url` as the URL's role; its transactions per second (without connection time). */
export async function runPgbench(url: string, run: PgbenchRun): Promise<{ tps: number; failed: number }> {
  const target = new URL(url);
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(target.password) };
  const scriptFile = path.join(tmpdir(), `gatehouse-sign-off-${process.pid}.sql`);
  await writeFile(scriptFile, run.script);
  const output = await runCommand(
    'pgbench',
    [
      '-h', target.hostname, '-p', target.port || '5432', '-U', decodeURIComponent(target.username),
      '-n', '-M', run.protocol ?? 'extended', '-c', String(run.clients), '-j', String(Math.min(run.clients, 2)), '-T', String(run.seconds),
      ...Object.entries(run.variables).flatMap(([name, value]) => ['-D', `${name}=${value}`]),
      '-f', scriptFile, target.pathname.slice(1),
    ],
    env,
  ).finally(() => rm(scriptFile, { force: true }));
  const tps = Number(/tps = ([\d.]+)/.exec(output)?.[1]);
  if (!Number.isFinite(tps)) throw new Error(`pgbench printed no rate:\n${output}`);
  const failed = Number(/number of failed transactions: (\d+)/.exec(output)?.[1] ?? 0);
  return { tps, failed };
}

function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} exited with ${code}:\n${output}`))));
  });
}
