import { OrgRole, Principal } from '@app/auth';
import { UserView } from '../users/user.view';

/** The caller as GET /api/me shows them: the user, with the roles and teams in effect for this request. */
export type MeView = UserView & { via: Principal['kind']; effectiveRoles: OrgRole[]; apiKeyId: string | null };

export function meView(user: UserView, principal: Principal): MeView {
  return { ...user, via: principal.kind, effectiveRoles: principal.roles, apiKeyId: principal.apiKeyId ?? null };
}
