import type { OrgRole, TeamRole } from '@app/auth';

/** How a provider's groups become roles: `roleMap` and `teamMap` of GATEHOUSE_OIDC_PROVIDERS. */
export interface RoleMapping {
  roleMap: Record<string, readonly OrgRole[]>;
  teamMap: Record<string, readonly { team: string; role: TeamRole }[]>;
}

export interface Membership {
  team: string;
  role: TeamRole;
}

export interface Held {
  roles: readonly OrgRole[];
  /** Team memberships, teams by name. */
  memberships: readonly Membership[];
}

export interface MappingChanges {
  grant: OrgRole[];
  revoke: OrgRole[];
  add: Membership[];
  remove: Membership[];
}

/**
 * The groups a claim carries: an array of strings, or one string. Anything else
 * (absent, a number, an object) is no groups, so the mapping removes what it manages.
 */
export function groupsFromClaim(claim: unknown): string[] {
  if (typeof claim === 'string') return [claim];
  if (Array.isArray(claim)) return claim.filter((group): group is string => typeof group === 'string');
  return [];
}

const sameMembership = (a: Membership) => (b: Membership) => a.role === b.role && a.team.toLowerCase() === b.team.toLowerCase();

/**
 * What one sign-in changes. The mapping manages only the roles and memberships that
 * appear in it: it adds those the groups give and removes those it manages that the
 * groups no longer give. Anything granted by hand and not named in the mapping is left
 * alone. Team names compare without case, as teams_name_unique does.
 */
export function mappingChanges(mapping: RoleMapping, groups: readonly string[], held: Held): MappingChanges {
  const has = (group: string) => Object.prototype.hasOwnProperty.call(mapping.roleMap, group);
  const hasTeam = (group: string) => Object.prototype.hasOwnProperty.call(mapping.teamMap, group);
  const managedRoles = new Set(Object.values(mapping.roleMap).flat());
  const wantedRoles = new Set(groups.filter(has).flatMap((group) => mapping.roleMap[group]));
  const managedMemberships = Object.values(mapping.teamMap).flat();
  const wantedMemberships: Membership[] = [];
  for (const membership of groups.filter(hasTeam).flatMap((group) => mapping.teamMap[group])) {
    if (!wantedMemberships.some(sameMembership(membership))) wantedMemberships.push({ team: membership.team, role: membership.role });
  }
  return {
    grant: [...wantedRoles].filter((role) => !held.roles.includes(role)),
    revoke: held.roles.filter((role) => managedRoles.has(role) && !wantedRoles.has(role)),
    add: wantedMemberships.filter((wanted) => !held.memberships.some(sameMembership(wanted))),
    remove: held.memberships.filter((membership) => managedMemberships.some(sameMembership(membership)) && !wantedMemberships.some(sameMembership(membership))),
  };
}

/** A `next` the callback may redirect to: a path on this site, never another origin (`//host`, `/\host`, a scheme). */
export function safeNextPath(next: unknown): string {
  if (typeof next !== 'string' || next.length > 2000) return '/';
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  // Control characters (a tab or newline inside "//") would let a browser read it as another origin.
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return '/';
  return next;
}
