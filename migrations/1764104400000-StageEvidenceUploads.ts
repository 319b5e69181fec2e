import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Uploads stream into a staging table, chunk by chunk, each chunk committed on
 * its own: no transaction and no lock is held while a client sends its bytes.
 * The short transaction that links the evidence moves the chunks into the
 * immutable blob tables; staging rows of uploads that never finished are swept.
 */
export class StageEvidenceUploads1764104400000 implements MigrationInterface {
  name = 'StageEvidenceUploads1764104400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE evidence_upload_chunks (
        upload_id uuid NOT NULL,
        seq integer NOT NULL,
        data bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (upload_id, seq)
      )`);
    await db.query('ALTER TABLE evidence_upload_chunks ALTER COLUMN data SET STORAGE EXTERNAL');
    await db.query('CREATE INDEX evidence_upload_chunks_age ON evidence_upload_chunks (created_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE evidence_upload_chunks');
  }
}
