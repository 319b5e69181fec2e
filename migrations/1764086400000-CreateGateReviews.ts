import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Gate reviews, their append-only sign-off decisions, the obligations that
 * approval conditions create, and stored responses for Idempotency-Key retries.
 */
export class CreateGateReviews1764086400000 implements MigrationInterface {
  name = 'CreateGateReviews1764086400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE gate_reviews (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        use_case_id uuid NOT NULL REFERENCES use_cases (id),
        gate text NOT NULL CHECK (gate IN ('design_to_develop', 'develop_to_deploy', 'deploy_to_operate', 'operate_review', 'retire')),
        from_stage text NOT NULL,
        to_stage text NOT NULL,
        tier text NOT NULL,
        policy_version integer NOT NULL REFERENCES gate_policies (version),
        slots jsonb NOT NULL,
        opened_revision integer NOT NULL,
        revision integer NOT NULL,
        content_hash char(64) NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'passed', 'rejected', 'changes_requested')),
        opened_by uuid NOT NULL REFERENCES users (id),
        opened_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz
      )`);
    // At most one open review per use case: the database, not the service, has the last word.
    await db.query(`CREATE UNIQUE INDEX gate_reviews_one_open ON gate_reviews (use_case_id) WHERE status = 'open'`);
    await db.query('CREATE INDEX gate_reviews_use_case ON gate_reviews (use_case_id, opened_at)');

    await db.query(`
      CREATE TABLE sign_offs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        review_id uuid NOT NULL REFERENCES gate_reviews (id),
        signer_id uuid NOT NULL REFERENCES users (id),
        role text NOT NULL CHECK (role IN ('developer', 'deployer', 'legal', 'assessor')),
        decision text NOT NULL CHECK (decision IN ('approve', 'request_changes', 'reject')),
        comment text NOT NULL,
        conditions jsonb NOT NULL DEFAULT '[]',
        revision integer NOT NULL,
        content_hash char(64) NOT NULL,
        supersedes uuid UNIQUE REFERENCES sign_offs (id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX sign_offs_review ON sign_offs (review_id, created_at)');
    await db.query(`
      CREATE TRIGGER sign_offs_immutable BEFORE UPDATE OR DELETE ON sign_offs
      FOR EACH ROW EXECUTE FUNCTION refuse_change_to_immutable_row()`);

    await db.query(`
      CREATE TABLE obligations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        use_case_id uuid NOT NULL REFERENCES use_cases (id),
        review_id uuid NOT NULL REFERENCES gate_reviews (id),
        sign_off_id uuid NOT NULL REFERENCES sign_offs (id),
        description text NOT NULL,
        owner_id uuid REFERENCES users (id),
        due_date date,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
        closed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX obligations_use_case ON obligations (use_case_id)');

    await db.query(`ALTER TABLE use_cases ADD COLUMN next_review_due date, ADD COLUMN rereview_reason text`);

    // Here for a historical reason only: Idempotency-Key arrived with gate reviews. The table
    // serves every POST that takes the header, and apps/api/src/idempotency owns it.
    await db.query(`
      CREATE TABLE idempotency_keys (
        principal_id text NOT NULL,
        key text NOT NULL,
        request_hash char(64) NOT NULL,
        status_code integer,
        response jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (principal_id, key)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE idempotency_keys');
    await db.query('ALTER TABLE use_cases DROP COLUMN next_review_due, DROP COLUMN rereview_reason');
    await db.query('DROP TABLE obligations');
    await db.query('DROP TABLE sign_offs');
    await db.query('DROP TABLE gate_reviews');
  }
}
