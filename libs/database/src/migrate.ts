import { DataSource, QueryRunner } from 'typeorm';

/**
 * Any constant works as long as every Gatehouse process agrees on it; this one
 * is "gatehouse" in ASCII.
 */
const MIGRATION_LOCK_KEY = 0x676174656875;

/**
 * Applies pending migrations. Several instances may start at once against one
 * database, so the run is serialised by a session-level advisory lock held on a
 * connection of its own; the second instance finds nothing left to do.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  return withMigrationLock(dataSource, () => applyPendingMigrations(dataSource));
}

export async function applyPendingMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((migration) => migration.name);
}

/**
 * Runs `work` while holding the migration lock; `work` receives the session
 * that holds it, for anything that must follow the migrations before another
 * instance goes on (the runtime role's grants). Needs a pool of two when
 * `work` runs migrations, which take a connection of their own.
 */
export async function withMigrationLock<T>(dataSource: DataSource, work: (lockHolder: QueryRunner) => Promise<T>): Promise<T> {
  const lockHolder = dataSource.createQueryRunner();
  await lockHolder.connect();
  try {
    await lockHolder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await work(lockHolder);
  } finally {
    await lockHolder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lockHolder.release();
  }
}
