import { Column, Entity, PrimaryColumn } from 'typeorm';
import { OrgRole } from '@app/auth';

/** An organisation role held by a user. */
@Entity('user_roles')
export class UserRole {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @PrimaryColumn({ type: 'text' })
  role!: OrgRole;

  @Column({ name: 'granted_at', type: 'timestamptz', default: () => 'now()' })
  grantedAt!: Date;
}
