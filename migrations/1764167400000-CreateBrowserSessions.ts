import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Browser sign-in sessions (docs/decisions/0012-browser-sessions.md). The
 * cookie carries a random token; only its SHA-256 is kept. A session ends by
 * sign-out (ended_at), at expires_at, after an idle spell measured from
 * last_seen_at, or when its user's password changes after created_at.
 * Rows are never deleted: the service may not (runtime-privileges.ts).
 */
export class CreateBrowserSessions1764167400000 implements MigrationInterface {
  name = 'CreateBrowserSessions1764167400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE browser_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id),
        token_hash bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
        created_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        ended_at timestamptz,
        ended_reason text,
        CHECK (expires_at > created_at),
        CHECK ((ended_at IS NULL) = (ended_reason IS NULL))
      )`);
    await db.query('CREATE INDEX browser_sessions_user ON browser_sessions (user_id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE browser_sessions');
  }
}
