import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { escapeIdentifier } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { rowsToEntities } from '@app/database';
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
 * each time was most of TypeORM's cost per request.
 */
@Injectable()
export class UsersRepository {
  /** The select list, every mapped column but the password hash, made once from the entity's metadata. */
  private readonly selectList: string;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    const columns = dataSource.getMetadata(User).columns.filter((column) => column.propertyName !== 'passwordHash');
    this.selectList = [...columns.map((column) => `u.${escapeIdentifier(column.databaseName)}`), `${ROLES_OF_USER} AS roles`, `${TEAMS_OF_USER} AS teams`].join(', ');
  }

  async findWithAccess(id: string, manager: EntityManager = this.dataSource.manager): Promise<UserWithAccess | undefined> {
    const [found] = await this.withAccess(manager, 'WHERE u.id = $1', [id]);
    return found;
  }

  /** Every user, by email. */
  listWithAccess(manager: EntityManager = this.dataSource.manager): Promise<UserWithAccess[]> {
    return this.withAccess(manager, 'ORDER BY u.email');
  }

  private async withAccess(manager: EntityManager, rest: string, parameters: unknown[] = []): Promise<UserWithAccess[]> {
    const rows: (Record<string, unknown> & { roles: OrgRole[]; teams: TeamMembership[] })[] = await manager.query(`SELECT ${this.selectList} FROM users u ${rest}`, parameters);
    const users = rowsToEntities(manager, User, rows);
    return users.map((user, index) => ({ user, roles: rows[index].roles, teams: rows[index].teams }));
  }
}
