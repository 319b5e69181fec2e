import { escapeIdentifier } from 'pg';

/** Anything that runs SQL with bind parameters: a TypeORM QueryRunner or a pg Client. */
export interface SqlSession {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

type TablePrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

/**
 * What the runtime role may do, table by table. Any table not named here is an
 * ordinary application table (SELECT, INSERT, UPDATE, DELETE; the immutable ones
 * among them are guarded by triggers that only their owner could disable).
 * TRUNCATE, REFERENCES, TRIGGER and grant options are never given.
 */
export const RUNTIME_TABLE_PRIVILEGES: Readonly<Record<string, readonly TablePrivilege[]>> = {
  // The chain is read, never written by the service itself: seal_audit_events() (owned by the
  // schema's owner) appends to it and moves the head, from the events the service left pending.
  audit_events: ['SELECT'],
  audit_chain_heads: ['SELECT'],
  // A change's event, written in the change's transaction; never changed or removed by the service.
  audit_pending: ['SELECT', 'INSERT'],
  // Signed checkpoints of the chain and the keys that signed them: append-only as well.
  audit_checkpoints: ['SELECT', 'INSERT'],
  audit_signing_keys: ['SELECT', 'INSERT'],
  // Browser sessions end (ended_at), they are never deleted: a signed-out session stays as the record of one.
  browser_sessions: ['SELECT', 'INSERT', 'UPDATE'],
  // Webhook endpoints are disabled, never deleted; their delivery attempts are a log, appended only.
  webhook_endpoints: ['SELECT', 'INSERT', 'UPDATE'],
  webhook_deliveries: ['SELECT', 'INSERT'],
  // A notification is the record of who was told what: read, marked read, its email's state moved on; never removed.
  notifications: ['SELECT', 'INSERT', 'UPDATE'],
  // A provider's subject stays linked to its user (users are never deleted either); oidc_logins is ordinary:
  // a started sign-in is deleted as it is used.
  user_identities: ['SELECT', 'INSERT', 'UPDATE'],
  // Read-only, so a running service can tell which migrations its schema has.
  schema_migrations: ['SELECT'],
  // The runtime role's own password: for the owner's eyes only.
  runtime_role_credentials: [],
};

const ORDINARY_TABLE: readonly TablePrivilege[] = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];

export function runtimePrivilegesOf(table: string): readonly TablePrivilege[] {
  return RUNTIME_TABLE_PRIVILEGES[table] ?? ORDINARY_TABLE;
}

/**
 * Gives `role` exactly the privileges above on every table and sequence the
 * current user owns in the current schema, taking away anything else first, so
 * a table added by a new migration is covered and a privilege granted by hand
 * is undone at the next start. Run it as the owning role, in a transaction.
 */
export async function grantRuntimePrivileges(session: SqlSession, role: string): Promise<void> {
  const grantee = escapeIdentifier(role);
  const tables = (await session.query(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND pg_has_role(c.relowner, 'USAGE')
     ORDER BY c.relname`,
  )) as { name: string }[];
  for (const { name } of tables) {
    const table = escapeIdentifier(name);
    await session.query(`REVOKE ALL ON TABLE ${table} FROM ${grantee}`);
    const privileges = runtimePrivilegesOf(name);
    if (privileges.length > 0) await session.query(`GRANT ${privileges.join(', ')} ON TABLE ${table} TO ${grantee}`);
  }

  // A serial column's sequence is usable only if its table takes inserts; other sequences are the app's to use.
  const sequences = (await session.query(
    `SELECT s.relname AS name, t.relname AS owned_by FROM pg_class s
     JOIN pg_namespace n ON n.oid = s.relnamespace
     LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid
       AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
     LEFT JOIN pg_class t ON t.oid = d.refobjid
     WHERE n.nspname = current_schema() AND s.relkind = 'S' AND pg_has_role(s.relowner, 'USAGE')`,
  )) as { name: string; owned_by: string | null }[];
  for (const sequence of sequences) {
    const name = escapeIdentifier(sequence.name);
    await session.query(`REVOKE ALL ON SEQUENCE ${name} FROM ${grantee}`);
    if (sequence.owned_by === null || runtimePrivilegesOf(sequence.owned_by).includes('INSERT')) {
      await session.query(`GRANT USAGE ON SEQUENCE ${name} TO ${grantee}`);
    }
  }

  // PUBLIC usually has both already; granted only when missing, since only the owner of the schema or database may.
  const [access] = (await session.query(
    `SELECT has_schema_privilege($1, current_schema(), 'USAGE') AS schema_usage,
            has_database_privilege($1, current_database(), 'CONNECT') AS can_connect`,
    [role],
  )) as { schema_usage: boolean; can_connect: boolean }[];
  if (!access.schema_usage) {
    const [{ schema }] = (await session.query('SELECT current_schema() AS schema')) as { schema: string }[];
    await session.query(`GRANT USAGE ON SCHEMA ${escapeIdentifier(schema)} TO ${grantee}`);
  }
  if (!access.can_connect) {
    const [{ database }] = (await session.query('SELECT current_database() AS database')) as { database: string }[];
    await session.query(`GRANT CONNECT ON DATABASE ${escapeIdentifier(database)} TO ${grantee}`);
  }
}

/**
 * Why `role` would not be a least-privileged runtime role, seen from the owning
 * role's session; empty when it is one. Each reason names what it allows.
 */
export async function runtimeRoleProblems(session: SqlSession, role: string): Promise<string[]> {
  const [found] = (await session.query(
    `SELECT r.rolsuper AS superuser, r.rolcreaterole AS create_role, r.rolcreatedb AS create_db,
            r.rolreplication AS replication, r.rolbypassrls AS bypass_rls,
            r.rolname = current_user AS is_owner,
            pg_has_role(r.rolname, current_user, 'MEMBER') AS member_of_owner,
            EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = current_schema() AND pg_has_role(r.rolname, c.relowner, 'MEMBER')) AS owns_tables,
            has_schema_privilege(r.rolname, current_schema(), 'CREATE') AS create_in_schema
     FROM pg_roles r WHERE r.rolname = $1`,
    [role],
  )) as Record<string, boolean>[];
  if (!found) return [`role ${role} does not exist`];
  const reasons: [string, string][] = [
    ['is_owner', 'it is the owning role itself'],
    ['superuser', 'it is a superuser (can disable triggers and rewrite the audit trail)'],
    ['member_of_owner', 'it is a member of the owning role (can act as the owner)'],
    ['owns_tables', 'it owns tables (can ALTER them and disable their triggers)'],
    ['create_role', 'it has CREATEROLE'],
    ['create_db', 'it has CREATEDB'],
    ['replication', 'it has REPLICATION'],
    ['bypass_rls', 'it has BYPASSRLS'],
    ['create_in_schema', 'it may create objects in the schema (REVOKE CREATE ON SCHEMA … FROM PUBLIC)'],
  ];
  return reasons.filter(([flag]) => found[flag]).map(([, reason]) => `${role}: ${reason}`);
}
