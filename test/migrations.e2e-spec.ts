import { DataSource } from 'typeorm';
import { buildDataSourceOptions, runMigrations } from '@app/database';
import { migrations } from '../migrations';
import { createTestApp, createTestDatabase } from './support';

const migrationNames = migrations.map((migration) => migration.name);

async function appliedMigrations(dataSource: DataSource): Promise<string[]> {
  const rows: { name: string }[] = await dataSource.query('SELECT name FROM schema_migrations ORDER BY id');
  return rows.map((row) => row.name);
}

describe('migrations', () => {
  it('apply to an empty database on start, and a second start applies nothing', async () => {
    const database = await createTestDatabase({ empty: true });
    try {
      const first = await createTestApp({ database });
      expect(await appliedMigrations(first.dataSource)).toEqual(migrationNames);
      await first.close();

      const second = await createTestApp({ database });
      expect(await runMigrations(second.dataSource)).toEqual([]);
      expect(await appliedMigrations(second.dataSource)).toEqual(migrationNames);
      await second.close();
    } finally {
      await database.drop();
    }
  });

  it('are applied once when several instances start together', async () => {
    const database = await createTestDatabase({ empty: true });
    const instances = [1, 2, 3].map(() => new DataSource(buildDataSourceOptions({ url: database.url, poolSize: 3 })));
    try {
      await Promise.all(instances.map((instance) => instance.initialize()));
      const applied = await Promise.all(instances.map((instance) => runMigrations(instance)));
      expect(applied.flat().sort()).toEqual([...migrationNames].sort());
      expect(await appliedMigrations(instances[0])).toEqual(migrationNames);
    } finally {
      await Promise.all(instances.map((instance) => instance.destroy()));
      await database.drop();
    }
  });

  it('never use synchronize', () => {
    expect(buildDataSourceOptions({ url: 'postgres://x/y', poolSize: 1 }).synchronize).toBe(false);
  });
});
