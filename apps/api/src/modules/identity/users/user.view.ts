import { OrgRole, TeamMembership } from '@app/auth';
import { User } from './user.entity';
import type { UserWithAccess } from './users.repository';

/** A user as the API shows it: never the password hash. */
export type UserView = Pick<User, 'id' | 'email' | 'displayName' | 'kind' | 'active' | 'createdAt' | 'deactivatedAt'> & {
  roles: OrgRole[];
  teams: TeamMembership[];
};

export function userView({ user, roles, teams }: UserWithAccess): UserView {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    kind: user.kind,
    active: user.active,
    createdAt: user.createdAt,
    deactivatedAt: user.deactivatedAt,
    roles,
    teams,
  };
}
