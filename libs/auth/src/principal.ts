import type { Actor } from '@app/request-context';
import { OrgRole, TeamMembership } from './roles';

/**
 * Who is calling, loaded fresh from the database on every request, so a
 * deactivated user, a revoked key or a revoked role stops working at once.
 */
export interface Principal {
  kind: 'user' | 'api_key';
  userId: string;
  displayName: string;
  /** Effective organisation roles; for an API key, its scope narrowed to what its owner still holds. */
  roles: OrgRole[];
  teams: TeamMembership[];
  apiKeyId?: string;
}

/** How a principal appears in the audit trail. */
export function toAuditActor(principal: Principal): Actor {
  const teamRoles = principal.teams.map((membership) => `${membership.role}@${membership.teamId}`);
  return {
    id: principal.kind === 'api_key' ? principal.apiKeyId! : principal.userId,
    kind: principal.kind,
    displayName: principal.displayName,
    roles: [...principal.roles, ...teamRoles],
  };
}
