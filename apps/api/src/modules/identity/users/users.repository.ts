import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { OrgRole, TeamMembership } from '@app/auth';
import { User } from './user.entity';

/** A user, without the password hash, with what access is decided on: the organisation roles held and the team memberships. */
export interface UserWithAccess {
  user: Omit<User, 'passwordHash'>;
  /** In role order. */
  roles: OrgRole[];
  /** In team id, then role order. */
  teams: TeamMembership[];
}

/** Aggregated per user in the select list, so a user comes with roles and teams in one round trip. */
const ROLES_OF_USER = `coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM user_roles r WHERE r.user_id = u.id), '{}')`;
const TEAMS_OF_USER = `coalesce((SELECT json_agg(json_build_object('teamId', m.team_id, 'role', m.role) ORDER BY m.team_id, m.role)
                                 FROM team_members m WHERE m.user_id = u.id), '[]')`;

/**
 * The module's set-based read of users: each with their roles and team
 * memberships in one query, for the API's user views and for the principal
 * every request is authorised as.
 */
@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findWithAccess(id: string, manager: EntityManager = this.dataSource.manager): Promise<UserWithAccess | undefined> {
    const [found] = await withAccess(selectWithAccess(manager).where('u.id = :id', { id }));
    return found;
  }

  /** Every user, by email. */
  listWithAccess(manager: EntityManager = this.dataSource.manager): Promise<UserWithAccess[]> {
    return withAccess(selectWithAccess(manager).orderBy('u.email'));
  }
}

function selectWithAccess(manager: EntityManager): SelectQueryBuilder<User> {
  const columns = manager.connection.getMetadata(User).columns.filter((column) => column.propertyName !== 'passwordHash');
  return manager
    .getRepository(User)
    .createQueryBuilder('u')
    .select(columns.map((column) => `u.${column.propertyName}`))
    .addSelect(ROLES_OF_USER, 'roles')
    .addSelect(TEAMS_OF_USER, 'teams');
}

async function withAccess(query: SelectQueryBuilder<User>): Promise<UserWithAccess[]> {
  // No joins: one raw row per entity, in the same order.
  const { entities, raw } = await query.getRawAndEntities<{ roles: OrgRole[]; teams: TeamMembership[] }>();
  return entities.map((user, index) => ({ user, roles: raw[index].roles, teams: raw[index].teams }));
}
