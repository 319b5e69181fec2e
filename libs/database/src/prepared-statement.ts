import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral, QueryFailedError } from 'typeorm';

/**
 * A statement the service runs on every request or every change, sent as a
 * named prepared statement: PostgreSQL parses and plans it once per
 * connection instead of on every call. Measured with pgbench on a sign-off's
 * statements, parsing and planning were half of the server's work (518
 * transactions/s unnamed, 1,068 prepared, 16 clients).
 *
 * The text names its columns, never `*`: a prepared statement's result shape
 * is fixed when it is prepared, and a column added by a later migration would
 * make each connection's copy fail for as long as the connection lives.
 * The text may be built from the schema's metadata on first use. A failure
 * is a QueryFailedError around the driver's error, as TypeORM's own queries
 * throw, so every handler of database errors (the problem mapping, the
 * transient-failure check) reads it the same way.
 */
export class PreparedStatement {
  private built: string | undefined;

  constructor(
    readonly name: string,
    private readonly text: string | ((dataSource: DataSource) => string),
  ) {}

  /** The rows, run in `manager`'s transaction when it has one, else on any pooled connection. */
  async rows<R extends QueryResultRow = Record<string, unknown>>(manager: EntityManager, parameters: unknown[]): Promise<R[]> {
    this.built ??= typeof this.text === 'string' ? this.text : this.text(manager.connection);
    const query = { name: this.name, text: this.built, values: parameters };
    try {
      const runner = manager.queryRunner;
      if (runner && !runner.isReleased) {
        const client = (await runner.connect()) as PoolClient;
        return (await client.query<R>(query)).rows;
      }
      // Outside a transaction, as TypeORM's own queries do: one pooled connection for the statement.
      const pool = (manager.connection.driver as unknown as { master: Pool }).master;
      return (await pool.query<R>(query)).rows;
    } catch (error) {
      throw new QueryFailedError(this.built, parameters, error as Error);
    }
  }
}

/** `alias.column, …` for every column `target` maps, but those named in `except`: a select list that never says `*`. */
export function entityColumns<T extends ObjectLiteral>(dataSource: DataSource, target: EntityTarget<T>, alias: string, except: (keyof T)[] = []): string {
  return dataSource
    .getMetadata(target)
    .columns.filter((column) => !except.includes(column.propertyName as keyof T))
    .map((column) => `${alias}.${quoteIdentifier(column.databaseName)}`)
    .join(', ');
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
