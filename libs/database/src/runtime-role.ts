import { createHash, randomBytes } from 'node:crypto';
import { escapeIdentifier, escapeLiteral } from 'pg';
import type { SqlSession } from './runtime-privileges';

// This file is imported by test/support/test-database.ts too (by path, from Jest's global setup): keep it free of @app imports.

/** PostgreSQL truncates identifiers longer than this many bytes. */
const MAX_IDENTIFIER_BYTES = 63;
const SUFFIX = '_runtime';

/**
 * The runtime role the service provisions for a database: one per database,
 * since roles are cluster-wide and several Gatehouse databases may share a server.
 */
export function runtimeRoleName(database: string): string {
  const name = `${database}${SUFFIX}`;
  if (Buffer.byteLength(name) <= MAX_IDENTIFIER_BYTES) return name;
  // Keep long names distinct: a short hash of the full database name replaces the cut-off tail.
  const hash = createHash('sha256').update(database).digest('hex').slice(0, 8);
  let prefix = database;
  while (Buffer.byteLength(`${prefix}_${hash}${SUFFIX}`) > MAX_IDENTIFIER_BYTES) prefix = Array.from(prefix).slice(0, -1).join('');
  return `${prefix}_${hash}${SUFFIX}`;
}

export interface RuntimeCredentials {
  role: string;
  password: string;
}

/**
 * Creates this database's runtime role when the owning role may create roles,
 * and returns its credentials; undefined when it may not. The password is made
 * once and kept in runtime_role_credentials (readable by the owner only), so
 * every instance and every restart uses the same one. Run it as the owning
 * role, in a transaction, under the migration lock.
 */
export async function provisionRuntimeRole(session: SqlSession): Promise<RuntimeCredentials | undefined> {
  const [owner] = (await session.query(
    `SELECT rolsuper OR rolcreaterole AS may_create_roles, current_database() AS database FROM pg_roles WHERE rolname = current_user`,
  )) as { may_create_roles: boolean; database: string }[];
  if (!owner.may_create_roles) return undefined;

  const role = runtimeRoleName(owner.database);
  const [stored] = (await session.query('SELECT password FROM runtime_role_credentials WHERE role_name = $1', [role])) as { password: string }[];
  const password = stored?.password ?? randomBytes(24).toString('base64url');
  if (!stored) await session.query('INSERT INTO runtime_role_credentials (role_name, password) VALUES ($1, $2)', [role, password]);

  const [existing] = (await session.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])) as unknown[];
  if (!existing) {
    await session.query(
      `CREATE ROLE ${escapeIdentifier(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${escapeLiteral(password)}`,
    );
  } else if (!stored) {
    // The role outlived its password (a restored or copied database): give it the new one.
    await session.query(`ALTER ROLE ${escapeIdentifier(role)} WITH LOGIN PASSWORD ${escapeLiteral(password)}`);
  }
  return { role, password };
}
