import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where the owning role keeps the password of the runtime role it provisions
 * (libs/database/src/runtime-role.ts), so every instance and every restart
 * connects with the same one. Nobody but the owner may read it: the runtime
 * role is given no privilege on it (runtime-privileges.ts).
 */
export class CreateRuntimeRoleCredentials1764100800000 implements MigrationInterface {
  name = 'CreateRuntimeRoleCredentials1764100800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE runtime_role_credentials (
        role_name text PRIMARY KEY,
        password text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('REVOKE ALL ON runtime_role_credentials FROM PUBLIC');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE runtime_role_credentials');
  }
}
