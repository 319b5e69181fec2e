import { DataSource } from 'typeorm';

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
  const lockHolder = dataSource.createQueryRunner();
  await lockHolder.connect();
  try {
    await lockHolder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await lockHolder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lockHolder.release();
  }
}
