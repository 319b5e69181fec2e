import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '@app/database';
import { createTestApp, TestApp } from './support';

/**
 * The entities are the row types: this test holds them to the schema the
 * migrations build, so neither can drift from the other unnoticed. Every
 * table has exactly one entity (except the ones below, written by
 * hand-written SQL for reasons of their own), every column is mapped, with
 * the column's type and nullability.
 */
const TABLES_WITHOUT_ENTITY: Record<string, { owner: string; why: string }> = {
  schema_migrations: { owner: 'node_modules/typeorm', why: 'TypeORM migration bookkeeping' },
  audit_events: { owner: 'libs/audit', why: 'appended only by seal_audit_events(), which hashes in PostgreSQL as the owner' },
  audit_chain_heads: { owner: 'libs/audit', why: 'locked and moved by seal_audit_events() as it appends' },
  audit_pending: { owner: 'libs/audit', why: 'written by one hand-written statement in the change\'s transaction; sealed into the chain by seal_audit_events()' },
  audit_checkpoints: { owner: 'libs/audit', why: 'append-only, written by one INSERT … ON CONFLICT DO NOTHING beside the trail it signs' },
  audit_signing_keys: { owner: 'libs/audit', why: 'append-only, written by one INSERT … ON CONFLICT DO NOTHING at start' },
  runtime_role_credentials: { owner: 'libs/database', why: 'set-up data of the database library, read before the app exists' },
};

const ROOT = path.join(__dirname, '..');

interface SchemaColumn {
  table_name: string;
  column_name: string;
  data_type: string;
  udt_name: string;
  is_nullable: 'YES' | 'NO';
}

describe('entities and the migrated schema', () => {
  let t: TestApp;
  let schema: SchemaColumn[];

  beforeAll(async () => {
    t = await createTestApp();
    schema = await t.dataSource.query(
      `SELECT table_name, column_name, data_type, udt_name, is_nullable FROM information_schema.columns
       WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
    );
  });
  afterAll(() => t.close());

  const tables = () => [...new Set(schema.map((column) => column.table_name))].sort();

  it('connecting changes nothing in the schema, even as a role that could: no extension beyond what migrations create', async () => {
    // The owner (here the server's superuser) may CREATE EXTENSION, which TypeORM does at connect unless told not to.
    const asOwner = new DataSource({
      ...buildDataSourceOptions({ url: t.database.url, poolSize: 1 }),
      entities: t.dataSource.entityMetadatas.map((metadata) => metadata.target),
    });
    await asOwner.initialize();
    try {
      const extensions: { extname: string }[] = await asOwner.query('SELECT extname FROM pg_extension ORDER BY extname');
      expect(extensions.map((e) => e.extname)).toEqual(['plpgsql']);
    } finally {
      await asOwner.destroy();
    }
  });

  it('every table has exactly one entity, or a stated reason not to', () => {
    const entityTables = t.dataSource.entityMetadatas.map((metadata) => metadata.tableName);
    expect(entityTables.length).toBe(new Set(entityTables).size);
    expect(tables().filter((table) => !entityTables.includes(table) && !(table in TABLES_WITHOUT_ENTITY))).toEqual([]);
    expect(entityTables.filter((table) => !tables().includes(table))).toEqual([]);
  });

  it("every entity maps every column of its table, with the column's type and nullability", () => {
    const mismatches: string[] = [];
    for (const metadata of t.dataSource.entityMetadatas) {
      const columns = schema.filter((column) => column.table_name === metadata.tableName);
      const mapped = new Map(metadata.columns.map((column) => [column.databaseName, column]));
      for (const column of columns) {
        const entityColumn = mapped.get(column.column_name);
        const where = `${metadata.tableName}.${column.column_name}`;
        if (!entityColumn) {
          mismatches.push(`${where}: not mapped by ${metadata.name}`);
          continue;
        }
        const declared = entityColumn.isArray ? `${t.dataSource.driver.normalizeType(entityColumn)}[]` : t.dataSource.driver.normalizeType(entityColumn);
        const actual = column.data_type === 'ARRAY' ? `${udtToType(column.udt_name.slice(1))}[]` : column.data_type;
        if (declared !== actual) mismatches.push(`${where}: ${metadata.name} says ${declared}, the table has ${actual}`);
        if (entityColumn.isNullable !== (column.is_nullable === 'YES')) {
          mismatches.push(`${where}: ${metadata.name} says ${entityColumn.isNullable ? 'nullable' : 'not null'}, the table has ${column.is_nullable === 'YES' ? 'nullable' : 'not null'}`);
        }
      }
      for (const name of mapped.keys()) {
        if (!columns.some((column) => column.column_name === name)) mismatches.push(`${metadata.tableName}.${name}: mapped by ${metadata.name}, not in the table`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('one owner per table', () => {
  /** The folder that owns each table: the module whose *.entity.ts maps it, or the library named above. */
  const owners = new Map<string, string>(Object.entries(TABLES_WITHOUT_ENTITY).map(([table, { owner }]) => [table, owner]));
  const production = [...sourceFiles('apps'), ...sourceFiles('libs')].filter((file) => !file.endsWith('.spec.ts'));
  for (const file of production.filter((f) => f.endsWith('.entity.ts'))) {
    const table = /@Entity\('([a-z_]+)'\)/.exec(readFileSync(path.join(ROOT, file), 'utf8'))?.[1];
    if (table) owners.set(table, moduleOf(file));
  }

  it('only the owning module writes a table with hand-written SQL', () => {
    const trespasses: string[] = [];
    for (const file of production) {
      for (const [, verb, table] of readFileSync(path.join(ROOT, file), 'utf8').matchAll(/\b(INSERT INTO|UPDATE|DELETE FROM|TRUNCATE)\s+([a-z_]+)\b/g)) {
        const owner = owners.get(table);
        if (owner && !file.startsWith(`${owner}/`)) trespasses.push(`${file}: ${verb} ${table} (owned by ${owner})`);
      }
    }
    expect(owners.size).toBeGreaterThan(Object.keys(TABLES_WITHOUT_ENTITY).length);
    expect(trespasses).toEqual([]);
  });
});

/** The module folder a file belongs to: apps/api/src/modules/<module> or apps/api/src/<area>, or libs/<lib>. */
function moduleOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'libs') return parts.slice(0, 2).join('/');
  return parts[3] === 'modules' ? parts.slice(0, 5).join('/') : parts.slice(0, 4).join('/');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)));
}

/** information_schema names an array's element type by its udt name. */
function udtToType(udt: string): string {
  const names: Record<string, string> = { text: 'text', uuid: 'uuid', int4: 'integer', int8: 'bigint', bool: 'boolean', varchar: 'character varying' };
  return names[udt] ?? udt;
}
