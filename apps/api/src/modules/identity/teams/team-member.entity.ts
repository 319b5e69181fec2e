import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TeamRole } from '@app/auth';

/** A user's role in a team; one user may be both developer and deployer. */
@Entity('team_members')
export class TeamMember {
  @PrimaryColumn({ name: 'team_id', type: 'uuid' })
  teamId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @PrimaryColumn({ type: 'text' })
  role!: TeamRole;

  @Column({ name: 'added_at', type: 'timestamptz', default: () => 'now()' })
  addedAt!: Date;
}
