import { OrgRole, TeamMembership } from '@app/auth';

/** A user as the API shows it: never the password hash. */
export interface UserView {
  id: string;
  email: string;
  displayName: string;
  kind: 'person' | 'service';
  active: boolean;
  roles: OrgRole[];
  teams: TeamMembership[];
  createdAt: string;
  deactivatedAt: string | null;
}

export const USER_VIEW_SQL = `
  SELECT u.id, u.email, u.display_name AS "displayName", u.kind, u.active, u.created_at AS "createdAt",
         u.deactivated_at AS "deactivatedAt",
         coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM user_roles r WHERE r.user_id = u.id), '{}') AS roles,
         coalesce((SELECT json_agg(json_build_object('teamId', m.team_id, 'role', m.role) ORDER BY m.team_id, m.role)
                   FROM team_members m WHERE m.user_id = u.id), '[]') AS teams
  FROM users u`;
