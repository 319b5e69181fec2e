import { groupsFromClaim, mappingChanges, RoleMapping, safeNextPath } from './role-mapping.policy';

const mapping: RoleMapping = {
  roleMap: { 'gh-legal': ['legal'], 'gh-assessors': ['assessor'], 'gh-admins': ['admin', 'legal'] },
  teamMap: { 'claims-dev': [{ team: 'Claims', role: 'developer' }], 'claims-ops': [{ team: 'Claims', role: 'deployer' }] },
};

describe('mappingChanges', () => {
  it('grants what the groups give and the user lacks', () => {
    expect(mappingChanges(mapping, ['gh-legal', 'claims-dev', 'other'], { roles: [], memberships: [] })).toEqual({
      grant: ['legal'],
      revoke: [],
      add: [{ team: 'Claims', role: 'developer' }],
      remove: [],
    });
  });

  it('removes what the mapping manages and the groups no longer give, and leaves the rest alone', () => {
    const held = { roles: ['legal', 'assessor', 'compliance_officer'] as const, memberships: [{ team: 'claims', role: 'deployer' as const }, { team: 'Fraud', role: 'developer' as const }] };
    expect(mappingChanges(mapping, ['gh-assessors'], held)).toEqual({
      grant: [],
      revoke: ['legal'],
      add: [],
      remove: [{ team: 'claims', role: 'deployer' }],
    });
  });

  it('changes nothing when the user already holds exactly what the groups give; a role given by two groups stays while one gives it', () => {
    expect(mappingChanges(mapping, ['gh-admins', 'gh-legal', 'claims-dev'], { roles: ['admin', 'legal'], memberships: [{ team: 'CLAIMS', role: 'developer' }] })).toEqual({
      grant: [],
      revoke: [],
      add: [],
      remove: [],
    });
  });

  it('ignores groups named like Object.prototype members', () => {
    expect(mappingChanges(mapping, ['constructor', '__proto__', 'toString'], { roles: [], memberships: [] })).toEqual({ grant: [], revoke: [], add: [], remove: [] });
  });
});

describe('groupsFromClaim', () => {
  it('reads an array of strings or one string, and nothing else', () => {
    expect(groupsFromClaim(['a', 1, 'b'])).toEqual(['a', 'b']);
    expect(groupsFromClaim('a')).toEqual(['a']);
    expect(groupsFromClaim(undefined)).toEqual([]);
    expect(groupsFromClaim({ a: 1 })).toEqual([]);
  });
});

describe('safeNextPath', () => {
  it('keeps a path on this site', () => {
    expect(safeNextPath('/use-cases/1?tab=evidence')).toBe('/use-cases/1?tab=evidence');
  });

  it.each(['https://evil.test/', '//evil.test', '/\\evil.test', '/\t/evil.test', 'javascript:alert(1)', '', undefined, ['/a']])('sends %p home instead', (next) => {
    expect(safeNextPath(next)).toBe('/');
  });
});
