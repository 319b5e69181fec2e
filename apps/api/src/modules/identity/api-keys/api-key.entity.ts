import { Column, Entity, PrimaryColumn } from 'typeorm';
import { OrgRole } from '@app/auth';

/** A machine credential acting as its owner, within a scope of roles. Only a SHA-256 of its secret is kept. */
@Entity('api_keys')
export class ApiKey {
  @PrimaryColumn({ type: 'uuid', default: () => 'gen_random_uuid()' })
  id!: string;

  /** The owner: the key acts as this user. */
  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'text' })
  name!: string;

  /** Unique; stored in clear to find the key by (see api-key-token.ts). */
  @Column({ type: 'text' })
  prefix!: string;

  /** Hex SHA-256 of the secret; never leaves the service. */
  @Column({ name: 'secret_hash', type: 'char', length: 64 })
  secretHash!: string;

  @Column({ type: 'text', array: true })
  roles!: OrgRole[];

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
