import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit chain sealed after commit (docs/decisions/0011-seal-after-commit.md).
 *
 * A change's event is written, in the change's own transaction, to
 * audit_pending: no lock, so writers commit side by side. seal_audit_events()
 * then moves committed events into audit_events in a deterministic order —
 * by transaction id, only below the oldest transaction still in progress, so
 * a transaction that commits late can never need a place already taken — and
 * assigns seq, prev_hash and hash under the chain head's lock, many events per
 * commit. It runs as the schema's owner (SECURITY DEFINER): the service's
 * runtime role may add pending events and read everything, but can no longer
 * write audit_events or move the head itself.
 */
export class SealAuditEventsAfterCommit1764160200000 implements MigrationInterface {
  name = 'SealAuditEventsAfterCommit1764160200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_pending (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        xid xid8 NOT NULL,
        chain text NOT NULL,
        -- Unique in audit_events, where it matters; an index here would only cost every write twice.
        event_id uuid NOT NULL,
        occurred_at text NOT NULL,
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
        canonical text[] NOT NULL CHECK (cardinality(canonical) = 4)
      )`);
    // No index on (xid, id): the table holds the events of the last few milliseconds, which a sort orders cheaply.
    // The writer cannot choose its place in the order or its time: both are the database's.
    await db.query(`
      CREATE FUNCTION audit_pending_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.xid := pg_current_xact_id();
        NEW.occurred_at := to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
        RETURN NEW;
      END
      $$`);
    await db.query(`
      CREATE TRIGGER audit_pending_stamp BEFORE INSERT ON audit_pending
      FOR EACH ROW EXECUTE FUNCTION audit_pending_stamp()`);
    await db.query(`
      CREATE TRIGGER audit_pending_no_update BEFORE UPDATE ON audit_pending
      FOR EACH ROW EXECUTE FUNCTION refuse_change_to_immutable_row()`);

    const [{ schema }] = await db.query('SELECT current_schema() AS schema');
    await db.query(`
      CREATE FUNCTION seal_audit_events(batch integer)
      RETURNS TABLE (sealed integer, horizon text, head_seq bigint)
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = ${quoteIdent(schema)}, pg_temp AS $$
      DECLARE
        -- Taken first: every transaction with a smaller id has ended, so no event can still join below it.
        below xid8 := pg_snapshot_xmin(pg_current_snapshot());
        seq_now bigint;
        hash_now text;
        done integer := 0;
        event audit_pending%ROWTYPE;
        event_hash text;
        sealed_ids bigint[] := '{}';
      BEGIN
        -- Sealing is replayable: it only moves committed pending events into the chain, in an order and
        -- with hashes fixed by what is pending. A seal lost in a crash leaves its events pending (insert
        -- and delete are one transaction), and the next round seals them again to the same seq and hash.
        -- So the seal need not wait for its own WAL flush; the change and its pending event did.
        PERFORM set_config('synchronous_commit', 'off', true);
        -- One sealer at a time, across every process: the head's row lock.
        SELECT h.seq, h.hash INTO seq_now, hash_now FROM audit_chain_heads h WHERE h.chain = 'main' FOR UPDATE;
        FOR event IN SELECT * FROM audit_pending p WHERE p.xid < below ORDER BY p.xid, p.id LIMIT batch LOOP
          seq_now := seq_now + 1;
          event_hash := encode(sha256(convert_to(
            event.canonical[1] || event.occurred_at || event.canonical[2] || hash_now || event.canonical[3] || seq_now::text || event.canonical[4], 'UTF8')), 'hex');
          INSERT INTO audit_events (chain, seq, id, occurred_at, actor_id, actor_kind, actor_display_name, actor_roles,
            action, target_type, target_id, use_case_id, payload, reason, request_id, source_ip, user_agent, prev_hash, hash)
          VALUES (event.chain, seq_now, event.event_id, event.occurred_at::timestamptz, event.actor_id, event.actor_kind,
            event.actor_display_name, event.actor_roles, event.action, event.target_type, event.target_id, event.use_case_id,
            event.payload, event.reason, event.request_id, event.source_ip, event.user_agent, hash_now, event_hash);
          sealed_ids := sealed_ids || event.id;
          hash_now := event_hash;
          done := done + 1;
        END LOOP;
        DELETE FROM audit_pending p WHERE p.id = ANY (sealed_ids);
        IF done > 0 THEN
          UPDATE audit_chain_heads h SET seq = seq_now, hash = hash_now WHERE h.chain = 'main';
        END IF;
        RETURN QUERY SELECT done, below::text, seq_now;
      END
      $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP FUNCTION seal_audit_events(integer)');
    await db.query('DROP TABLE audit_pending');
    await db.query('DROP FUNCTION audit_pending_stamp()');
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
