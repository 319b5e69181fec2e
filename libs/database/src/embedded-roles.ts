import { Client, escapeIdentifier, escapeLiteral } from 'pg';
import { EmbeddedPostgres, readOrCreateSecret } from './embedded-postgres';
import { withCredentials, withDatabase } from './database-url';
import { withClient } from './with-client';

/**
 * The embedded server's roles: the superuser sets the server up and is never
 * used by the service; the owner owns the schema and runs migrations; the
 * runtime role is what the service's pool logs in as (docs/decisions/0005).
 */
export const EMBEDDED_OWNER_ROLE = 'gatehouse_owner';
export const EMBEDDED_RUNTIME_ROLE = 'gatehouse_runtime';
export const EMBEDDED_DATABASE = 'gatehouse';
/** Data directories made before these roles existed kept everything here, owned by the superuser. */
const LEGACY_DATABASE = 'postgres';

export interface EmbeddedDatabase {
  database: string;
  ownerUrl: string;
  runtimeUrl: string;
}

/**
 * Creates (or re-asserts) both roles with the passwords kept beside the data
 * directory, and picks the database: `gatehouse`, owned by the owner role, or,
 * in a data directory from an earlier version, `postgres`, whose Gatehouse
 * tables are handed over to the owner role the first time.
 */
export async function provisionEmbeddedRoles(embedded: EmbeddedPostgres): Promise<EmbeddedDatabase> {
  const ownerPassword = await readOrCreateSecret(embedded.stateDir, 'embedded-postgres-owner-password');
  const runtimePassword = await readOrCreateSecret(embedded.stateDir, 'embedded-postgres-runtime-password');
  const database = await withClient(embedded.url, async (superuser) => {
    await ensureLoginRole(superuser, EMBEDDED_OWNER_ROLE, ownerPassword);
    await ensureLoginRole(superuser, EMBEDDED_RUNTIME_ROLE, runtimePassword);
    return chooseDatabase(superuser);
  });
  if (database === LEGACY_DATABASE) await withClient(embedded.url, adoptLegacyDatabase);
  return {
    database,
    ownerUrl: withDatabase(withCredentials(embedded.url, EMBEDDED_OWNER_ROLE, ownerPassword), database),
    runtimeUrl: withDatabase(withCredentials(embedded.url, EMBEDDED_RUNTIME_ROLE, runtimePassword), database),
  };
}

/** Neither role may do more than log in: the owner's power comes from owning the schema, not from role attributes. */
async function ensureLoginRole(superuser: Client, role: string, password: string) {
  const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${escapeLiteral(password)}`;
  const { rowCount } = await superuser.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  if (rowCount === 0) {
    try {
      await superuser.query(`CREATE ROLE ${escapeIdentifier(role)} ${attributes}`);
      return;
    } catch (error) {
      // A command-line tool starting beside the service created it a moment ago.
      if ((error as { code?: string }).code !== '42710') throw error;
    }
  }
  await superuser.query(`ALTER ROLE ${escapeIdentifier(role)} WITH ${attributes}`);
}

async function chooseDatabase(superuser: Client): Promise<string> {
  const { rows } = await superuser.query<{ has_own: boolean; legacy: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS has_own,
            to_regclass('public.schema_migrations') IS NOT NULL AS legacy`,
    [EMBEDDED_DATABASE],
  );
  if (rows[0].has_own) return EMBEDDED_DATABASE;
  if (rows[0].legacy) return LEGACY_DATABASE;
  try {
    await superuser.query(
      `CREATE DATABASE ${escapeIdentifier(EMBEDDED_DATABASE)} OWNER ${escapeIdentifier(EMBEDDED_OWNER_ROLE)} TEMPLATE template0 ENCODING 'UTF8'`,
    );
  } catch (error) {
    if ((error as { code?: string }).code !== '42P04') throw error;
  }
  return EMBEDDED_DATABASE;
}

/**
 * An earlier version ran everything as the superuser in database `postgres`.
 * The data stays where it is; what the superuser owns in its `public` schema
 * (Gatehouse's tables, their sequences and trigger functions) passes to the
 * owner role, once, in one transaction. `REASSIGN OWNED` cannot do this: it
 * refuses objects of the bootstrap superuser.
 */
async function adoptLegacyDatabase(superuser: Client) {
  const { rows } = await superuser.query<{ adopted: boolean }>(
    `SELECT pg_get_userbyid(relowner) = $1 AS adopted FROM pg_class WHERE oid = 'public.schema_migrations'::regclass`,
    [EMBEDDED_OWNER_ROLE],
  );
  if (rows[0].adopted) return;
  const owner = escapeIdentifier(EMBEDDED_OWNER_ROLE);
  const { rows: statements } = await superuser.query<{ statement: string }>(
    `SELECT format('ALTER %s %s OWNER TO %I',
              CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                             WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
              c.oid::regclass, $1::text) AS statement
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
       AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
       -- A serial column's sequence follows its table.
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                         AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))
     UNION ALL
     SELECT format('ALTER FUNCTION %s OWNER TO %I', p.oid::regprocedure, $1::text)
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'public' AND p.proowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)`,
    [EMBEDDED_OWNER_ROLE],
  );
  await superuser.query('BEGIN');
  try {
    // The owner creates the tables of future migrations here.
    await superuser.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${owner}`);
    for (const { statement } of statements) await superuser.query(statement);
    await superuser.query('COMMIT');
  } catch (error) {
    await superuser.query('ROLLBACK');
    throw error;
  }
}

