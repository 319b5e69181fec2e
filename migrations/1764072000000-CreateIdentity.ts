import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * People, service accounts, teams and API keys. Users are never deleted (the
 * audit trail names them): they are deactivated. API keys keep only a SHA-256
 * of their secret.
 */
export class CreateIdentity1764072000000 implements MigrationInterface {
  name = 'CreateIdentity1764072000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL CHECK (email = lower(email)),
        display_name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('person', 'service')),
        password_hash text,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        deactivated_at timestamptz,
        password_changed_at timestamptz,
        CHECK (kind = 'person' OR password_hash IS NULL)
      )`);
    await db.query('CREATE UNIQUE INDEX users_email_unique ON users (email)');
    await db.query(`
      CREATE TABLE user_roles (
        user_id uuid NOT NULL REFERENCES users (id),
        role text NOT NULL CHECK (role IN ('admin', 'legal', 'assessor', 'compliance_officer')),
        granted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, role)
      )`);
    await db.query(`
      CREATE TABLE teams (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE UNIQUE INDEX teams_name_unique ON teams (lower(name))');
    await db.query(`
      CREATE TABLE team_members (
        team_id uuid NOT NULL REFERENCES teams (id),
        user_id uuid NOT NULL REFERENCES users (id),
        role text NOT NULL CHECK (role IN ('developer', 'deployer')),
        added_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (team_id, user_id, role)
      )`);
    await db.query('CREATE INDEX team_members_user ON team_members (user_id)');
    await db.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id),
        name text NOT NULL,
        prefix text NOT NULL UNIQUE,
        secret_hash char(64) NOT NULL,
        roles text[] NOT NULL,
        created_by uuid NOT NULL REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await db.query('CREATE INDEX api_keys_user ON api_keys (user_id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE api_keys');
    await db.query('DROP TABLE team_members');
    await db.query('DROP TABLE teams');
    await db.query('DROP TABLE user_roles');
    await db.query('DROP TABLE users');
  }
}
