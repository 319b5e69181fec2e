import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Impact assessments and risk acceptance as governed records (ISO/IEC 42001
 * 6.1.3, 6.1.4, A.5.2–A.5.5).
 *
 * - assessment_templates: versioned question sets; a version never changes.
 * - impact_assessments: one per use case, its working revision and where it
 *   stands (draft, submitted, approved); every save is a row of
 *   impact_assessment_revisions, every approval or request for changes a row
 *   of impact_assessment_decisions, both immutable.
 * - risk_acceptances: the decision, by someone with the authority the gate
 *   policy gives at the risk's severity, to accept a risk exactly as it was
 *   described (risk_hash); a later edit of the risk leaves it behind.
 */
export class GovernImpactAssessmentsAndRiskAcceptance1764153000000 implements MigrationInterface {
  name = 'GovernImpactAssessmentsAndRiskAcceptance1764153000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE assessment_templates (
        version integer PRIMARY KEY CHECK (version >= 1),
        document jsonb NOT NULL,
        document_hash char(64) NOT NULL,
        note text,
        published_by text NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE impact_assessments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        use_case_id uuid NOT NULL UNIQUE REFERENCES use_cases (id),
        template_version integer NOT NULL REFERENCES assessment_templates (version),
        revision integer NOT NULL CHECK (revision >= 1),
        answers jsonb NOT NULL,
        content_hash char(64) NOT NULL,
        status text NOT NULL CHECK (status IN ('draft', 'submitted', 'approved')),
        submitted_by uuid REFERENCES users (id),
        submitted_at timestamptz,
        submitted_use_case_revision integer,
        approval_id uuid,
        created_by uuid NOT NULL REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((status = 'draft') = (submitted_by IS NULL))
      )`);
    await db.query(`
      CREATE TABLE impact_assessment_revisions (
        assessment_id uuid NOT NULL REFERENCES impact_assessments (id),
        revision integer NOT NULL CHECK (revision >= 1),
        template_version integer NOT NULL REFERENCES assessment_templates (version),
        answers jsonb NOT NULL,
        content_hash char(64) NOT NULL,
        author_id uuid NOT NULL REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (assessment_id, revision)
      )`);
    await db.query(`
      CREATE TABLE impact_assessment_decisions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        assessment_id uuid NOT NULL,
        revision integer NOT NULL,
        content_hash char(64) NOT NULL,
        template_version integer NOT NULL REFERENCES assessment_templates (version),
        decision text NOT NULL CHECK (decision IN ('approve', 'request_changes')),
        role text NOT NULL CHECK (role IN ('legal', 'assessor')),
        decided_by uuid NOT NULL REFERENCES users (id),
        comment text NOT NULL,
        use_case_revision integer NOT NULL,
        scope jsonb NOT NULL,
        tier text NOT NULL,
        decided_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (assessment_id, revision) REFERENCES impact_assessment_revisions (assessment_id, revision)
      )`);
    await db.query('CREATE INDEX impact_assessment_decisions_by_assessment ON impact_assessment_decisions (assessment_id, decided_at)');
    await db.query('ALTER TABLE impact_assessments ADD FOREIGN KEY (approval_id) REFERENCES impact_assessment_decisions (id)');
    await db.query(`
      CREATE TABLE risk_acceptances (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        use_case_id uuid NOT NULL REFERENCES use_cases (id),
        risk_id uuid NOT NULL,
        risk_hash char(64) NOT NULL,
        severity integer NOT NULL CHECK (severity BETWEEN 1 AND 5),
        use_case_revision integer NOT NULL,
        role text NOT NULL CHECK (role IN ('legal', 'assessor')),
        decided_by uuid NOT NULL REFERENCES users (id),
        comment text NOT NULL,
        decided_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX risk_acceptances_by_use_case ON risk_acceptances (use_case_id, decided_at)');
    for (const table of ['assessment_templates', 'impact_assessment_revisions', 'impact_assessment_decisions', 'risk_acceptances']) {
      await db.query(`
        CREATE TRIGGER ${table}_immutable BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION refuse_change_to_immutable_row()`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE risk_acceptances');
    await db.query('ALTER TABLE impact_assessments DROP COLUMN approval_id');
    await db.query('DROP TABLE impact_assessment_decisions');
    await db.query('DROP TABLE impact_assessment_revisions');
    await db.query('DROP TABLE impact_assessments');
    await db.query('DROP TABLE assessment_templates');
  }
}
