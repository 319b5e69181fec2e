import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Single sign-on through OpenID Connect (README, "Single sign-on").
 * - oidc_logins: a sign-in started at a provider and not yet back: the state (only
 *   its SHA-256, the key it is found by), the nonce, the PKCE verifier and where to go
 *   afterwards. Taken by one DELETE … RETURNING at the callback, so a state is used at
 *   most once, by whichever instance the browser comes back to; refused after expires_at.
 * - user_identities: who a provider's subject is in Gatehouse. Users are found by
 *   (provider, sub), never by email: an email at a provider proves nothing here.
 */
export class CreateOidcSignIn1764191000000 implements MigrationInterface {
  name = 'CreateOidcSignIn1764191000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE oidc_logins (
        state_hash bytea PRIMARY KEY CHECK (octet_length(state_hash) = 32),
        provider_id text NOT NULL,
        nonce text NOT NULL,
        code_verifier text NOT NULL,
        next_path text NOT NULL CHECK (next_path LIKE '/%'),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        CHECK (expires_at > created_at)
      )`);
    await db.query('CREATE INDEX oidc_logins_expiry ON oidc_logins (expires_at)');
    await db.query(`
      CREATE TABLE user_identities (
        provider_id text NOT NULL,
        subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
        user_id uuid NOT NULL REFERENCES users (id),
        email text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_sign_in_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider_id, subject)
      )`);
    await db.query('CREATE INDEX user_identities_user ON user_identities (user_id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE user_identities');
    await db.query('DROP TABLE oidc_logins');
  }
}
