import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Turns rows from hand-written SQL (`SELECT t.* …`) into instances of the
 * table's entity, through the entity's own column metadata and the driver's
 * hydration: a set-based query returns the same typed object a repository
 * would, so no second, hand-kept row type copies the schema.
 * Columns the entity does not map are dropped; read them from the raw row.
 */
export function rowsToEntities<T extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<T>, rows: Record<string, unknown>[]): T[] {
  const metadata = manager.connection.getMetadata(target);
  const driver = manager.connection.driver;
  return rows.map((row) => {
    const entity = metadata.create() as T;
    for (const column of metadata.columns) {
      if (Object.hasOwn(row, column.databaseName)) column.setEntityValue(entity, driver.prepareHydratedValue(row[column.databaseName], column));
    }
    return entity;
  });
}
