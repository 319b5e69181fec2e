import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An address that receives the trail's events, signed (Standard Webhooks). Disabled, never deleted. */
@Entity('webhook_endpoints')
export class WebhookEndpoint {
  @PrimaryColumn({ type: 'uuid', default: () => 'gen_random_uuid()' })
  id!: string;

  @Column({ type: 'text' })
  url!: string;

  /** Audit action names, `<type>.*` or `*`. */
  @Column({ name: 'event_types', type: 'text', array: true })
  eventTypes!: string[];

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  /** `whsec_<base64>`: an HMAC key both sides hold, so it is kept as it is; never shown after creation or rotation. */
  @Column({ type: 'text' })
  secret!: string;

  /** The secret before the last rotation, which signs too until previousSecretExpiresAt. */
  @Column({ name: 'previous_secret', type: 'text', nullable: true })
  previousSecret!: string | null;

  @Column({ name: 'previous_secret_expires_at', type: 'timestamptz', nullable: true })
  previousSecretExpiresAt!: Date | null;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;

  /** The last seq handled: delivered, or not selected by eventTypes. */
  @Column({ name: 'cursor_seq', type: 'bigint', transformer: { to: (value: number) => value, from: (value: string | number) => Number(value) } })
  cursorSeq!: number;

  @Column({ name: 'consecutive_failures', type: 'integer', default: 0 })
  consecutiveFailures!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  /** Set after too many consecutive failures; deliveries wait for POST …/redeliver. */
  @Column({ name: 'parked_at', type: 'timestamptz', nullable: true })
  parkedAt!: Date | null;

  /** While in the future, the instance named by leasedBy alone delivers to this endpoint. */
  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;

  @Column({ name: 'leased_by', type: 'text', nullable: true })
  leasedBy!: string | null;
}
