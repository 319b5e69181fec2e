import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A browser's sign-in, held by an httpOnly cookie (docs/decisions/0012-browser-sessions.md).
 * Only a SHA-256 of the cookie's token is kept. Never deleted: ended.
 */
@Entity('browser_sessions')
export class BrowserSession {
  @PrimaryColumn({ type: 'uuid', default: () => 'gen_random_uuid()' })
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  /** SHA-256 of the cookie's token (unique); the token itself is never stored. */
  @Column({ name: 'token_hash', type: 'bytea' })
  tokenHash!: Buffer;

  /** When the credentials were checked (the database's clock): a password change at or after it ends the session. */
  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Moved forward at most once a minute by the requests the session authenticates. */
  @Column({ name: 'last_seen_at', type: 'timestamptz', default: () => 'now()' })
  lastSeenAt!: Date;

  /** The absolute end, whatever the use. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  /** Why it ended before its time: 'signed_out'. */
  @Column({ name: 'ended_reason', type: 'text', nullable: true })
  endedReason!: string | null;
}
