import { escapeIdentifier } from 'pg';
import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { rowsToEntities } from './raw-rows';

/**
 * Inserts the next version of a table of immutable versions (gate policies,
 * assessment templates): version = max(version) + 1, read under a lock that
 * takes publishers one at a time and lets readers through (SHARE ROW
 * EXCLUSIVE conflicts with itself and with every write). Returns the row as
 * stored. Run it in the publishing transaction.
 */
export async function insertNextVersion<T extends ObjectLiteral & { version: number }>(
  manager: EntityManager,
  target: EntityTarget<T>,
  values: Omit<QueryDeepPartialEntity<T>, 'version'>,
): Promise<T> {
  const repository = manager.getRepository(target);
  await manager.query(`LOCK TABLE ${escapeIdentifier(repository.metadata.tableName)} IN SHARE ROW EXCLUSIVE MODE`);
  const { next }: { next: number } = (await repository.createQueryBuilder('v').select('coalesce(max(v.version), 0) + 1', 'next').getRawOne())!;
  const inserted = await repository
    .createQueryBuilder()
    .insert()
    .values({ ...values, version: next } as QueryDeepPartialEntity<T>)
    .returning('*')
    .execute();
  return rowsToEntities(manager, target, inserted.raw)[0];
}
