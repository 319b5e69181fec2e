import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook endpoints and their delivery attempts. The sealed audit trail is the
 * outbox: an endpoint keeps only its position in it (cursor_seq, the last seq
 * handled), so no event can be lost between a change's commit and its
 * delivery. A worker claims an endpoint with a lease (lease_until, leased_by)
 * in a short transaction, sends with no transaction open, and records the
 * outcome under the lease. Endpoints are disabled, never deleted; attempts
 * are appended, never changed (runtime-privileges.ts).
 */
export class CreateWebhooks1764171000000 implements MigrationInterface {
  name = 'CreateWebhooks1764171000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        url text NOT NULL CHECK (url ~ '^https?://'),
        event_types text[] NOT NULL CHECK (cardinality(event_types) > 0),
        description text,
        secret text NOT NULL CHECK (secret LIKE 'whsec\\_%'),
        previous_secret text,
        previous_secret_expires_at timestamptz,
        created_by uuid NOT NULL REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        disabled_at timestamptz,
        cursor_seq bigint NOT NULL CHECK (cursor_seq >= 0),
        consecutive_failures integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        parked_at timestamptz,
        lease_until timestamptz,
        leased_by text,
        CHECK ((previous_secret IS NULL) = (previous_secret_expires_at IS NULL))
      )`);
    // The worker's claim: endpoints that are neither disabled nor parked, by when they are due.
    await db.query('CREATE INDEX webhook_endpoints_due ON webhook_endpoints (next_attempt_at) WHERE disabled_at IS NULL AND parked_at IS NULL');
    await db.query(`
      CREATE TABLE webhook_deliveries (
        id bigserial PRIMARY KEY,
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id),
        seq bigint NOT NULL,
        event_id uuid NOT NULL,
        attempted_at timestamptz NOT NULL DEFAULT now(),
        duration_ms integer NOT NULL CHECK (duration_ms >= 0),
        status_code integer,
        error text,
        succeeded boolean NOT NULL,
        instance text NOT NULL,
        CHECK (status_code IS NOT NULL OR error IS NOT NULL)
      )`);
    await db.query('CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id DESC)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE webhook_deliveries');
    await db.query('DROP TABLE webhook_endpoints');
  }
}
