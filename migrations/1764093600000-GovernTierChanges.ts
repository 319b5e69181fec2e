import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A review can end superseded (its use case became prohibited while it was
 * open), and a lowering of the tier waits in tier_change_requests for a second
 * independent person before it takes effect.
 */
export class GovernTierChanges1764093600000 implements MigrationInterface {
  name = 'GovernTierChanges1764093600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE gate_reviews DROP CONSTRAINT gate_reviews_status_check');
    await db.query(`ALTER TABLE gate_reviews ADD CONSTRAINT gate_reviews_status_check
      CHECK (status IN ('open', 'passed', 'rejected', 'changes_requested', 'superseded'))`);

    await db.query(`
      CREATE TABLE tier_change_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        use_case_id uuid NOT NULL REFERENCES use_cases (id),
        -- null asks for the override to be removed (the derived tier applies again).
        tier text CHECK (tier IN ('minimal', 'limited', 'high', 'prohibited')),
        justification text NOT NULL,
        from_tier text NOT NULL CHECK (from_tier IN ('minimal', 'limited', 'high', 'prohibited')),
        to_tier text NOT NULL CHECK (to_tier IN ('minimal', 'limited', 'high', 'prohibited')),
        proposed_by uuid NOT NULL REFERENCES users (id),
        proposed_at timestamptz NOT NULL DEFAULT now(),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'refused', 'superseded')),
        decided_by uuid REFERENCES users (id),
        decided_at timestamptz,
        comment text
      )`);
    // One pending change per use case: a new proposal supersedes the old one.
    await db.query(`CREATE UNIQUE INDEX tier_change_requests_one_pending ON tier_change_requests (use_case_id) WHERE status = 'pending'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE tier_change_requests');
    await db.query(`UPDATE gate_reviews SET status = 'rejected' WHERE status = 'superseded'`);
    await db.query('ALTER TABLE gate_reviews DROP CONSTRAINT gate_reviews_status_check');
    await db.query(`ALTER TABLE gate_reviews ADD CONSTRAINT gate_reviews_status_check
      CHECK (status IN ('open', 'passed', 'rejected', 'changes_requested'))`);
  }
}
