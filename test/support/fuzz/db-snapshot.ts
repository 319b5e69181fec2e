import { Client } from 'pg';

/**
 * Tables a refused request must leave exactly as they were. Append-only ones
 * (refused by trigger or never updated) are counted; the others are hashed
 * row by row, so an UPDATE shows too.
 */
const COUNTED = ['use_case_revisions', 'sign_offs', 'evidence', 'evidence_blobs', 'evidence_blob_chunks', 'evidence_upload_chunks', 'gate_policies'];
const HASHED = ['use_cases', 'gate_reviews', 'obligations', 'tier_change_requests', 'users', 'user_roles', 'teams', 'team_members', 'api_keys'];

/** Columns left out of row hashes: a key's last use (reads touch it), and content that content_hash stands for. */
const UNHASHED_COLUMNS = ['last_used_at', 'content'];

/**
 * Audit events a refused request may legitimately add: recorded reads of the
 * trail, recorded refusals, failed sign-ins.
 */
export const AUDIT_ACTIONS_OF_REFUSALS = ['audit.read', 'audit.exported', 'audit.verified', 'access.denied', 'auth.login_failed'];

export type Snapshot = Record<string, string>;

/**
 * Row counts, and for mutable tables a fingerprint (a sum of row hashes: no
 * sorting, so it stays cheap as the fuzz adds rows), read over a connection
 * of its own (the server's superuser), so it neither waits for nor takes
 * from the app's pool.
 */
export class DatabaseSnapshots {
  private constructor(private readonly client: Client, private readonly tables: string[]) {}

  static async connect(url: string): Promise<DatabaseSnapshots> {
    const client = new Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ name: string }>('SELECT t AS name FROM unnest($1::text[]) t WHERE to_regclass(t) IS NOT NULL', [[...COUNTED, ...HASHED]]);
    return new DatabaseSnapshots(client, rows.map((row) => row.name));
  }

  async take(): Promise<Snapshot> {
    const parts = this.tables.map((table) =>
      HASHED.includes(table)
        ? `SELECT '${table}' AS name, count(*) || ' ' || coalesce(sum(hashtextextended((to_jsonb(t) - $1::text[])::text, 0)), 0) AS value FROM ${table} t`
        : `SELECT '${table}' AS name, count(*)::text AS value FROM ${table}`,
    );
    parts.push(
      `SELECT 'audit_events (except ' || array_to_string($2::text[], ', ') || ')' AS name, count(*) || ' ' || coalesce(max(seq), 0) AS value FROM audit_events WHERE action <> ALL ($2::text[])`,
    );
    const { rows } = await this.client.query<{ name: string; value: string }>(parts.join(' UNION ALL '), [UNHASHED_COLUMNS, AUDIT_ACTIONS_OF_REFUSALS]);
    return Object.fromEntries(rows.map((row) => [row.name, row.value]));
  }

  /** What differs between two snapshots, as `table: before → after`. */
  static diff(before: Snapshot, after: Snapshot): string[] {
    return Object.keys({ ...before, ...after })
      .filter((name) => before[name] !== after[name])
      .map((name) => `${name}: ${before[name]} → ${after[name]}`);
  }

  close(): Promise<void> {
    return this.client.end();
  }
}
