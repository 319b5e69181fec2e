import { decideAccess, PERMISSIONS } from './permissions';
import { Principal } from './principal';
import { ORG_ROLES, OrgRole } from './roles';

const principalWith = (...roles: OrgRole[]): Principal => ({ kind: 'user', userId: 'u', displayName: 'U', roles, teams: [] });

describe('decideAccess', () => {
  it('lets a compliance officer read the trail and identities but never manage them', () => {
    const officer = principalWith('compliance_officer');
    expect(decideAccess(officer, 'audit:read').allowed).toBe(true);
    expect(decideAccess(officer, 'identity:read').allowed).toBe(true);
    expect(decideAccess(officer, 'identity:manage')).toEqual({ allowed: false, reason: 'identity:manage requires one of: admin' });
  });

  it('grants a user without organisation roles only what is open to any signed-in caller', () => {
    const teamMember = { ...principalWith(), teams: [{ teamId: 't', role: 'developer' as const }] };
    for (const permission of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]) {
      expect(decideAccess(teamMember, permission).allowed).toBe(PERMISSIONS[permission] === 'any');
    }
    expect(decideAccess(teamMember, 'use_cases:override_tier').allowed).toBe(false);
    expect(decideAccess(teamMember, 'gate_policies:manage').allowed).toBe(false);
  });

  it('only names known roles', () => {
    for (const grantedTo of Object.values(PERMISSIONS)) {
      if (grantedTo !== 'any') for (const role of grantedTo) expect(ORG_ROLES).toContain(role);
    }
  });
});
