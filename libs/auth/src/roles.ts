/** Organisation-wide roles, held by a user directly. */
export const ORG_ROLES = ['admin', 'legal', 'assessor', 'compliance_officer'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

/** Roles within a team: the guide's AI developers and AI deployers. */
export const TEAM_ROLES = ['developer', 'deployer'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

export interface TeamMembership {
  teamId: string;
  role: TeamRole;
}
