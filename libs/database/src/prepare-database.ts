import { Client } from 'pg';
import { DataSource, QueryRunner } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options';
import { withCredentials } from './database-url';
import { applyPendingMigrations, withMigrationLock } from './migrate';
import { grantRuntimePrivileges, runtimeRoleProblems } from './runtime-privileges';
import { provisionRuntimeRole } from './runtime-role';

export interface DatabaseSettings {
  /** The owning role: runs the migrations and grants. */
  ownerUrl: string;
  /** The runtime role, when the operator made one (DATABASE_RUNTIME_URL). */
  runtimeUrl?: string;
}

/** How the service's pool connects, and whether that connection is least-privileged. */
export interface DatabaseAccess {
  url: string;
  role: string;
  /** True when `role` is a separate role holding only the runtime privileges. */
  leastPrivilege: boolean;
  /** Why least privilege is not in force; empty when it is. */
  problems: string[];
  appliedMigrations: string[];
}

/**
 * Everything that happens as the owning role before the service opens its own
 * pool: migrations, the runtime role (the operator's, or one provisioned here),
 * and that role's grants, re-applied at every start so new tables are covered.
 * All of it under the migration lock, so instances starting together take turns.
 */
export async function prepareDatabase(settings: DatabaseSettings): Promise<DatabaseAccess> {
  const options = buildDataSourceOptions({ url: settings.ownerUrl, poolSize: 2 });
  // A long migration, or waiting for another instance's, must not be cut short by the requests' statement timeout.
  const owner = new DataSource({ ...options, extra: { ...options.extra, statement_timeout: 0 } });
  await owner.initialize();
  try {
    return await withMigrationLock(owner, async (session) => {
      const appliedMigrations = await applyPendingMigrations(owner);
      const access = await inTransaction(session, () => settleRuntimeAccess(session, settings));
      return { ...access, appliedMigrations };
    });
  } finally {
    await owner.destroy();
  }
}

async function settleRuntimeAccess(session: QueryRunner, settings: DatabaseSettings): Promise<Omit<DatabaseAccess, 'appliedMigrations'>> {
  const [{ owner }] = (await session.query('SELECT current_user AS owner')) as { owner: string }[];
  let runtime: { role: string; url: string };
  if (settings.runtimeUrl) {
    runtime = { role: await roleOf(settings.runtimeUrl), url: settings.runtimeUrl };
  } else {
    const provisioned = await provisionRuntimeRole(session);
    if (!provisioned) {
      return {
        url: settings.ownerUrl,
        role: owner,
        leastPrivilege: false,
        problems: [`${owner} may not create roles and DATABASE_RUNTIME_URL is not set, so the service runs as the owning role`],
      };
    }
    runtime = { role: provisioned.role, url: withCredentials(settings.ownerUrl, provisioned.role, provisioned.password) };
  }
  // Revoking "everything else" from the owner itself would take its own tables away from it.
  if (runtime.role !== owner) await grantRuntimePrivileges(session, runtime.role);
  const problems = await runtimeRoleProblems(session, runtime.role);
  return { ...runtime, leastPrivilege: problems.length === 0, problems };
}

/** The role a URL logs in as, asked of the server (the URL may leave the user to PGUSER or the OS). */
async function roleOf(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ role: string }>('SELECT current_user AS role');
    return rows[0].role;
  } finally {
    await client.end();
  }
}

async function inTransaction<T>(session: QueryRunner, work: () => Promise<T>): Promise<T> {
  await session.startTransaction();
  try {
    const result = await work();
    await session.commitTransaction();
    return result;
  } catch (error) {
    await session.rollbackTransaction();
    throw error;
  }
}
