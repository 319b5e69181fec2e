import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The use-case registry: use cases with their current content, immutable
 * revisions, evidence (metadata, versions, and content stored in chunks), and
 * versioned gate policies. Revisions, evidence and policy versions are
 * append-only, refused by trigger like the audit trail.
 */
export class CreateRegistry1764079200000 implements MigrationInterface {
  name = 'CreateRegistry1764079200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION refuse_change_to_immutable_row() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% rows are immutable: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);

    await db.query(`
      CREATE TABLE use_cases (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        developer_team_id uuid NOT NULL REFERENCES teams (id),
        deployer_team_id uuid NOT NULL REFERENCES teams (id),
        stage text NOT NULL DEFAULT 'design' CHECK (stage IN ('design', 'develop', 'deploy', 'operate', 'retired')),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'in_review', 'retired')),
        tier text NOT NULL CHECK (tier IN ('minimal', 'limited', 'high', 'prohibited')),
        derived_tier text NOT NULL CHECK (derived_tier IN ('minimal', 'limited', 'high', 'prohibited')),
        content jsonb NOT NULL,
        revision integer NOT NULL,
        content_hash char(64) NOT NULL,
        created_by uuid NOT NULL REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX use_cases_developer_team ON use_cases (developer_team_id)');
    await db.query('CREATE INDEX use_cases_deployer_team ON use_cases (deployer_team_id)');
    await db.query('CREATE INDEX use_cases_stage_tier ON use_cases (stage, tier)');

    await db.query(`
      CREATE TABLE use_case_revisions (
        use_case_id uuid NOT NULL REFERENCES use_cases (id),
        revision integer NOT NULL CHECK (revision >= 1),
        content jsonb NOT NULL,
        content_hash char(64) NOT NULL,
        changed_fields text[] NOT NULL,
        summary text NOT NULL,
        author_id uuid NOT NULL REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (use_case_id, revision)
      )`);
    await db.query('CREATE INDEX use_case_revisions_author ON use_case_revisions (author_id)');

    await db.query(`
      CREATE TABLE evidence_blobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        size_bytes bigint NOT NULL,
        sha256 char(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE evidence_blob_chunks (
        -- Chunks are streamed in before the blob row, whose size and hash are known only at the end.
        blob_id uuid NOT NULL REFERENCES evidence_blobs (id) DEFERRABLE INITIALLY DEFERRED,
        seq integer NOT NULL,
        data bytea NOT NULL,
        PRIMARY KEY (blob_id, seq)
      )`);
    // Chunks are already compressed or binary more often than not: skip TOAST compression.
    await db.query('ALTER TABLE evidence_blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL');

    await db.query(`
      CREATE TABLE evidence (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        use_case_id uuid NOT NULL REFERENCES use_cases (id),
        kind text NOT NULL,
        title text NOT NULL,
        source text NOT NULL CHECK (source IN ('file', 'link')),
        url text,
        file_name text,
        media_type text,
        size_bytes bigint,
        sha256 char(64),
        blob_id uuid REFERENCES evidence_blobs (id),
        previous_id uuid UNIQUE REFERENCES evidence (id),
        uploaded_by uuid NOT NULL REFERENCES users (id),
        uploaded_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((source = 'file' AND blob_id IS NOT NULL AND sha256 IS NOT NULL) OR (source = 'link' AND url IS NOT NULL))
      )`);
    await db.query('CREATE INDEX evidence_use_case ON evidence (use_case_id, uploaded_at)');

    await db.query(`
      CREATE TABLE gate_policies (
        version integer PRIMARY KEY CHECK (version >= 1),
        document jsonb NOT NULL,
        document_hash char(64) NOT NULL,
        note text,
        published_by text NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now()
      )`);

    for (const table of ['use_case_revisions', 'evidence', 'evidence_blobs', 'evidence_blob_chunks', 'gate_policies']) {
      await db.query(`
        CREATE TRIGGER ${table}_immutable BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION refuse_change_to_immutable_row()`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['gate_policies', 'evidence', 'evidence_blob_chunks', 'evidence_blobs', 'use_case_revisions', 'use_cases']) {
      await db.query(`DROP TABLE ${table}`);
    }
    await db.query('DROP FUNCTION refuse_change_to_immutable_row()');
  }
}
