import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { EmailState, NotificationKind } from './notification-kinds';

/**
 * One thing one person is told, for one cause (`cause_key`, e.g.
 * `review:<id>:opened`): written in the transaction of the change that
 * caused it, shown in the app, and the outbox row of its email.
 */
@Entity('notifications')
export class Notification {
  @PrimaryColumn({ type: 'uuid', default: () => 'gen_random_uuid()' })
  id!: string;

  @Column({ name: 'recipient_user_id', type: 'uuid' })
  recipientUserId!: string;

  @Column({ type: 'text' })
  kind!: NotificationKind;

  @Column({ name: 'cause_key', type: 'text' })
  causeKey!: string;

  @Column({ name: 'use_case_id', type: 'uuid' })
  useCaseId!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'text' })
  body!: string;

  /** A deep link into the web app. */
  @Column({ type: 'text' })
  link!: string;

  /** Cannot be muted: the recipient's own action is needed. */
  @Column({ type: 'boolean' })
  mandatory!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'read_at', type: 'timestamptz', nullable: true })
  readAt!: Date | null;

  @Column({ name: 'email_state', type: 'text' })
  emailState!: EmailState;

  @Column({ name: 'email_attempts', type: 'integer', default: 0 })
  emailAttempts!: number;

  /** While pending: when the worker may try (again). */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  /** While sending: the claim ends then; a claim found expired means the worker died mid-send. */
  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  /** What the mail server (or the connection) said the last time sending did not succeed. */
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;
}
