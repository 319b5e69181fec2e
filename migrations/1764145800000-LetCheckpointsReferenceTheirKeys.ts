import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A checkpoint names the key that signed it (a foreign key to
 * audit_signing_keys). PostgreSQL checks that reference as the owner of
 * audit_signing_keys, locking the key's row FOR KEY SHARE, which needs the
 * UPDATE privilege: revoked from the owner by SignAuditCheckpoints, every
 * checkpoint insert failed wherever the owner is not a superuser (the embedded
 * server's gatehouse role). The owner gets UPDATE back on that one table; the
 * trigger still refuses every UPDATE, and the runtime role never had it.
 */
export class LetCheckpointsReferenceTheirKeys1764145800000 implements MigrationInterface {
  name = 'LetCheckpointsReferenceTheirKeys1764145800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('GRANT UPDATE ON audit_signing_keys TO CURRENT_USER');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('REVOKE UPDATE ON audit_signing_keys FROM CURRENT_USER');
  }
}
