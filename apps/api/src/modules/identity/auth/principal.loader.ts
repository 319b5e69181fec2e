import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OrgRole, Principal, TeamMembership } from '@app/auth';
import { AccessTokenClaims, endedByPasswordChange } from './access-token';

interface UserRow {
  id: string;
  display_name: string;
  active: boolean;
  password_changed_at: Date | null;
  roles: OrgRole[];
  teams: TeamMembership[];
}

/**
 * Builds the Principal for a user from the database, in one query, on every
 * request: roles, team memberships and the active flag are never taken from
 * the token, so a change takes effect on the next request.
 */
@Injectable()
export class PrincipalLoader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async forUser(userId: string): Promise<Principal | undefined> {
    const user = await this.loadActiveUser(userId);
    return user && userPrincipal(user);
  }

  /** As forUser, but none for a token that a later password change ended. */
  async forAccessToken(claims: AccessTokenClaims): Promise<Principal | undefined> {
    const user = await this.loadActiveUser(claims.userId);
    return user && !endedByPasswordChange(claims, user.password_changed_at) ? userPrincipal(user) : undefined;
  }

  /** An API key acts with its scope, narrowed to the roles its owner still holds, and the owner's teams. */
  async forApiKey(key: { id: string; name: string; userId: string; roles: OrgRole[] }): Promise<Principal | undefined> {
    const owner = await this.loadActiveUser(key.userId);
    if (!owner) return undefined;
    return {
      kind: 'api_key',
      apiKeyId: key.id,
      userId: owner.id,
      displayName: `${key.name} (API key of ${owner.display_name})`,
      roles: key.roles.filter((role) => owner.roles.includes(role)),
      teams: owner.teams,
    };
  }

  private async loadActiveUser(userId: string): Promise<UserRow | undefined> {
    const [user]: UserRow[] = await this.dataSource.query(
      `SELECT u.id, u.display_name, u.active, u.password_changed_at,
              coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM user_roles r WHERE r.user_id = u.id), '{}') AS roles,
              coalesce((SELECT json_agg(json_build_object('teamId', m.team_id, 'role', m.role) ORDER BY m.team_id, m.role)
                        FROM team_members m WHERE m.user_id = u.id), '[]') AS teams
       FROM users u WHERE u.id = $1`,
      [userId],
    );
    return user?.active ? user : undefined;
  }
}

function userPrincipal(user: UserRow): Principal {
  return { kind: 'user', userId: user.id, displayName: user.display_name, roles: user.roles, teams: user.teams };
}
