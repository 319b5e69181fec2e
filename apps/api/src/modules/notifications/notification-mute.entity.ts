import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MutableKind } from './notification-kinds';

/** A kind of notification a person does not want by email (still stored and shown in the app). */
@Entity('notification_mutes')
export class NotificationMute {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @PrimaryColumn({ type: 'text' })
  kind!: MutableKind;

  @Column({ name: 'muted_at', type: 'timestamptz', default: () => 'now()' })
  mutedAt!: Date;
}
