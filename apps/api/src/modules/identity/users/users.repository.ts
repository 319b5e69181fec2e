import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { entityColumns, PreparedStatement, rowsToEntities } from '@app/database';
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
 * every request is authorised as. Hand-written SQL, not a query builder:
 * the principal is read on every request, and building the same statement
 * each time was most of TypeORM's cost per request; it is prepared, too.
 */
@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findWithAccess(id: string, manager: EntityManager = this.dataSource.manager): Promise<UserWithAccess | undefined> {
    const [found] = withAccess(manager, await USER_WITH_ACCESS.rows<UserRow>(manager, [id]));
    return found;
  }

  /** Every user, by email. */
  async listWithAccess(manager: EntityManager = this.dataSource.manager): Promise<UserWithAccess[]> {
    return withAccess(manager, await manager.query(`SELECT ${selectList(manager.connection)} FROM users u ORDER BY u.email`));
  }
}

type UserRow = Record<string, unknown> & { roles: OrgRole[]; teams: TeamMembership[] };

/** Every mapped column but the password hash, with the roles and teams. */
function selectList(dataSource: DataSource): string {
  return `${entityColumns(dataSource, User, 'u', ['passwordHash'])}, ${ROLES_OF_USER} AS roles, ${TEAMS_OF_USER} AS teams`;
}

/** The principal every request is authorised as: prepared, since it runs on every request. */
const USER_WITH_ACCESS = new PreparedStatement('user_with_access', (dataSource) => `SELECT ${selectList(dataSource)} FROM users u WHERE u.id = $1`);

function withAccess(manager: EntityManager, rows: UserRow[]): UserWithAccess[] {
  return rowsToEntities(manager, User, rows).map((user, index) => ({ user, roles: rows[index].roles, teams: rows[index].teams }));
}
