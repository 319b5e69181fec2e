import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed checkpoints of the audit chain (docs/audit-chain.md, section 7): every
 * public key that ever signed one, and the checkpoints themselves. Both are
 * append-only like audit_events: a trigger refuses UPDATE, DELETE and TRUNCATE,
 * and those privileges are revoked from everyone, the owner included.
 */
export class SignAuditCheckpoints1764131400000 implements MigrationInterface {
  name = 'SignAuditCheckpoints1764131400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_signing_keys (
        key_id text PRIMARY KEY CHECK (key_id ~ '^ed25519:[0-9a-f]{16}$'),
        public_key text NOT NULL,
        first_used_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE audit_checkpoints (
        chain text NOT NULL,
        seq bigint NOT NULL CHECK (seq >= 1),
        head_hash char(64) NOT NULL,
        signed_at timestamptz NOT NULL,
        key_id text NOT NULL REFERENCES audit_signing_keys (key_id),
        signature text NOT NULL,
        PRIMARY KEY (chain, seq)
      )`);
    await db.query(`
      CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'append-only: % is not allowed on %', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    for (const table of ['audit_signing_keys', 'audit_checkpoints']) {
      await db.query(`CREATE TRIGGER ${table}_no_update_or_delete BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`);
      await db.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`);
      await db.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ${table} FROM PUBLIC`);
      await db.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ${table} FROM CURRENT_USER`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE audit_checkpoints');
    await db.query('DROP TABLE audit_signing_keys');
    await db.query('DROP FUNCTION audit_refuse_change()');
  }
}
