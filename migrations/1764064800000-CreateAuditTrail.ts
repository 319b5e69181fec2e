import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail: append-only events, hash-chained (docs/audit-chain.md), and
 * the chain head that writers lock to append in order. The database itself
 * refuses UPDATE, DELETE and TRUNCATE on events, by trigger and by privileges
 * (revoked from everyone, the owner included). Neither binds the owner or a
 * superuser, who may disable triggers and grant again: the service therefore
 * works as a runtime role that owns nothing (docs/decisions/0005-database-roles.md).
 */
export class CreateAuditTrail1764064800000 implements MigrationInterface {
  name = 'CreateAuditTrail1764064800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_chain_heads (
        chain text PRIMARY KEY,
        seq bigint NOT NULL CHECK (seq >= 0),
        hash char(64) NOT NULL
      )`);
    await db.query(`INSERT INTO audit_chain_heads (chain, seq, hash) VALUES ('main', 0, repeat('0', 64))`);

    await db.query(`
      CREATE TABLE audit_events (
        chain text NOT NULL,
        seq bigint NOT NULL CHECK (seq >= 1),
        id uuid NOT NULL UNIQUE,
        occurred_at timestamptz NOT NULL,
        actor_id text NOT NULL,
        actor_kind text NOT NULL CHECK (actor_kind IN ('user', 'api_key', 'system')),
        actor_display_name text NOT NULL,
        actor_roles text[] NOT NULL,
        action text NOT NULL,
        target_type text NOT NULL,
        target_id text NOT NULL,
        use_case_id uuid,
        payload jsonb NOT NULL,
        reason text,
        request_id text,
        source_ip text,
        user_agent text,
        prev_hash char(64) NOT NULL,
        hash char(64) NOT NULL,
        PRIMARY KEY (chain, seq)
      )`);
    await db.query('CREATE INDEX audit_events_occurred_at ON audit_events (occurred_at)');
    await db.query('CREATE INDEX audit_events_use_case ON audit_events (use_case_id, seq) WHERE use_case_id IS NOT NULL');
    await db.query('CREATE INDEX audit_events_actor ON audit_events (actor_id, seq)');
    await db.query('CREATE INDEX audit_events_action ON audit_events (action, seq)');
    await db.query('CREATE INDEX audit_events_target ON audit_events (target_type, target_id, seq)');

    await db.query(`
      CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit events are append-only: % is not allowed on audit_events', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await db.query(`
      CREATE TRIGGER audit_events_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()`);
    await db.query(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()`);
    await db.query('REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM PUBLIC');
    await db.query('REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM CURRENT_USER');
    // The head only ever moves forward, row by row: never removed or emptied.
    await db.query('REVOKE DELETE, TRUNCATE ON audit_chain_heads FROM PUBLIC');
    await db.query('REVOKE DELETE, TRUNCATE ON audit_chain_heads FROM CURRENT_USER');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE audit_events');
    await db.query('DROP FUNCTION audit_events_refuse_change()');
    await db.query('DROP TABLE audit_chain_heads');
  }
}
