import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An Idempotency-Key in progress is held by one request (claim_id) until its
 * lease runs out (lease_until), renewed while the request runs: a request that
 * died frees its key instead of leaving it "in progress" for ever. Rows from
 * before this migration have no lease and count from created_at. The index
 * serves the sweep of keys past their retention.
 */
export class LeaseIdempotencyKeys1764109800000 implements MigrationInterface {
  name = 'LeaseIdempotencyKeys1764109800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE idempotency_keys ADD COLUMN claim_id uuid, ADD COLUMN lease_until timestamptz');
    await db.query('CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX idempotency_keys_created_at');
    await db.query('ALTER TABLE idempotency_keys DROP COLUMN claim_id, DROP COLUMN lease_until');
  }
}
