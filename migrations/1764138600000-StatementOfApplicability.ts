import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ISO/IEC 42001 Statement of Applicability, versioned: every edit of a
 * control's entry makes a new version holding all entries, so the statement in
 * force at any past date can be shown. Versions are never changed.
 */
export class StatementOfApplicability1764138600000 implements MigrationInterface {
  name = 'StatementOfApplicability1764138600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE soa_versions (
        version integer PRIMARY KEY CHECK (version >= 1),
        catalogue integer NOT NULL,
        entries jsonb NOT NULL,
        changed_control text NOT NULL,
        note text,
        edited_by text NOT NULL,
        edited_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TRIGGER soa_versions_immutable BEFORE UPDATE OR DELETE ON soa_versions
      FOR EACH ROW EXECUTE FUNCTION refuse_change_to_immutable_row()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE soa_versions');
  }
}
