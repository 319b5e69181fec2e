import { Column, Entity, PrimaryColumn } from 'typeorm';

const bigintNumber = { to: (value: number) => value, from: (value: string | number) => Number(value) };

/** One attempt to deliver one event to one endpoint: appended, never changed. */
@Entity('webhook_deliveries')
export class WebhookDelivery {
  /** bigserial: numbered by the database. */
  @PrimaryColumn({ type: 'bigint', transformer: bigintNumber })
  id!: number;

  @Column({ name: 'endpoint_id', type: 'uuid' })
  endpointId!: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  seq!: number;

  /** The audit event's id, which is also the delivery's `webhook-id`. */
  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'attempted_at', type: 'timestamptz', default: () => 'now()' })
  attemptedAt!: Date;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs!: number;

  /** The receiver's status; null when there was no answer (refused address, timeout, connection error). */
  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode!: number | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'boolean' })
  succeeded!: boolean;

  /** The instance that sent it. */
  @Column({ type: 'text' })
  instance!: string;
}
