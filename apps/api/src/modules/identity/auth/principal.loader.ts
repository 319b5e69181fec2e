import { Injectable } from '@nestjs/common';
import { Principal } from '@app/auth';
import { ApiKey } from '../api-keys/api-key.entity';
import { UsersRepository, UserWithAccess } from '../users/users.repository';
import { AccessTokenClaims, endedByPasswordChange } from './access-token';

/**
 * Builds the Principal for a user from the database, in one query, on every
 * request: roles, team memberships and the active flag are never taken from
 * the token, so a change takes effect on the next request.
 */
@Injectable()
export class PrincipalLoader {
  constructor(private readonly users: UsersRepository) {}

  async forUser(userId: string): Promise<Principal | undefined> {
    const found = await this.loadActiveUser(userId);
    return found && userPrincipal(found);
  }

  /** As forUser, but none for a token that a later password change ended. */
  async forAccessToken(claims: AccessTokenClaims): Promise<Principal | undefined> {
    const found = await this.loadActiveUser(claims.userId);
    return found && !endedByPasswordChange(claims, found.user.passwordChangedAt) ? userPrincipal(found) : undefined;
  }

  /** As forAccessToken, for a browser session: a password change at or after its sign-in ends it. */
  forBrowserSession(session: { userId: string; createdAt: Date }): Promise<Principal | undefined> {
    return this.forAccessToken({ userId: session.userId, issuedAtMs: session.createdAt.getTime() });
  }

  /** An API key acts with its scope, narrowed to the roles its owner still holds, and the owner's teams. */
  async forApiKey(key: Pick<ApiKey, 'id' | 'name' | 'userId' | 'roles'>): Promise<Principal | undefined> {
    const owner = await this.loadActiveUser(key.userId);
    if (!owner) return undefined;
    return {
      kind: 'api_key',
      apiKeyId: key.id,
      userId: owner.user.id,
      displayName: `${key.name} (API key of ${owner.user.displayName})`,
      roles: key.roles.filter((role) => owner.roles.includes(role)),
      teams: owner.teams,
    };
  }

  private async loadActiveUser(userId: string): Promise<UserWithAccess | undefined> {
    const found = await this.users.findWithAccess(userId);
    return found?.user.active ? found : undefined;
  }
}

function userPrincipal({ user, roles, teams }: UserWithAccess): Principal {
  return { kind: 'user', userId: user.id, displayName: user.displayName, roles, teams };
}
