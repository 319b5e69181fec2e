import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { TeamRole } from '@app/auth';
import { Team } from './team.entity';

/** A member as a team lists them: with the name they go by. */
export interface TeamMemberView {
  userId: string;
  displayName: string;
  role: TeamRole;
}

export interface TeamWithMembers {
  team: Team;
  /** By display name, then role. */
  members: TeamMemberView[];
}

/** Aggregated per team in the select list, so a team comes with its members and their names in one round trip. */
const MEMBERS_OF_TEAM = `coalesce((SELECT json_agg(json_build_object('userId', m.user_id, 'displayName', u.display_name, 'role', m.role)
                                                  ORDER BY u.display_name, m.role)
                                  FROM team_members m JOIN users u ON u.id = m.user_id WHERE m.team_id = t.id), '[]')`;

/** The module's set-based read of teams: each with its members, joined to their users, in one query. */
@Injectable()
export class TeamsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findWithMembers(id: string, manager: EntityManager = this.dataSource.manager): Promise<TeamWithMembers | undefined> {
    const [found] = await withMembers(selectWithMembers(manager).where('t.id = :id', { id }));
    return found;
  }

  /** Every team, by name. */
  listWithMembers(manager: EntityManager = this.dataSource.manager): Promise<TeamWithMembers[]> {
    return withMembers(selectWithMembers(manager).orderBy('t.name'));
  }
}

function selectWithMembers(manager: EntityManager): SelectQueryBuilder<Team> {
  return manager.getRepository(Team).createQueryBuilder('t').addSelect(MEMBERS_OF_TEAM, 'members');
}

async function withMembers(query: SelectQueryBuilder<Team>): Promise<TeamWithMembers[]> {
  // No joins: one raw row per entity, in the same order.
  const { entities, raw } = await query.getRawAndEntities<{ members: TeamMemberView[] }>();
  return entities.map((team, index) => ({ team, members: raw[index].members }));
}
