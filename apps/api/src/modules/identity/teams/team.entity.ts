import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A team of developers and deployers; names are unique whatever their case (teams_name_unique on lower(name)). */
@Entity('teams')
export class Team {
  @PrimaryColumn({ type: 'uuid', default: () => 'gen_random_uuid()' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
