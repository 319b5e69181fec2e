import { Principal } from '@app/auth';
import { HiddenRefusal, NotFoundError } from '@app/errors';
import { assertUseCaseAccess, canReadUseCase, visibleUseCasesSql } from './use-case-access';

const useCase = { id: 'uc', developerTeamId: 'team-dev', deployerTeamId: 'team-ops' };
const principal = (overrides: Partial<Principal>): Principal => ({ kind: 'user', userId: 'u', displayName: 'U', roles: [], teams: [], ...overrides });

describe('assertUseCaseAccess', () => {
  it('lets members of either team read and write', () => {
    for (const teamId of ['team-dev', 'team-ops']) {
      expect(() => assertUseCaseAccess(principal({ teams: [{ teamId, role: 'deployer' }] }), useCase, 'write')).not.toThrow();
    }
  });

  it('lets legal, assessors, compliance officers and admins read but not write', () => {
    for (const role of ['legal', 'assessor', 'compliance_officer', 'admin'] as const) {
      expect(() => assertUseCaseAccess(principal({ roles: [role] }), useCase, 'read')).not.toThrow();
      expect(() => assertUseCaseAccess(principal({ roles: [role] }), useCase, 'write')).toThrow(expect.objectContaining({ status: 403, code: 'not-on-team' }));
    }
  });

  it('hides the use case from a member of another team', () => {
    const outsider = principal({ teams: [{ teamId: 'team-other', role: 'developer' }] });
    expect(() => assertUseCaseAccess(outsider, useCase, 'read')).toThrow(NotFoundError);
    expect(() => assertUseCaseAccess(outsider, useCase, 'write')).toThrow(HiddenRefusal);
    expect(() => assertUseCaseAccess(outsider, useCase, 'write')).toThrow(expect.objectContaining({ status: 404, refusalCode: 'not-on-team' }));
  });
});

describe('canReadUseCase', () => {
  it('is true for a member of either team, in either team role, and for every organisation role that reads all use cases', () => {
    expect(canReadUseCase(principal({ teams: [{ teamId: 'team-dev', role: 'deployer' }] }), useCase)).toBe(true);
    expect(canReadUseCase(principal({ teams: [{ teamId: 'team-ops', role: 'developer' }] }), useCase)).toBe(true);
    for (const role of ['legal', 'assessor', 'compliance_officer', 'admin'] as const) expect(canReadUseCase(principal({ roles: [role] }), useCase)).toBe(true);
  });

  it('is false for someone on other teams only, or on none', () => {
    expect(canReadUseCase(principal({ teams: [{ teamId: 'team-other', role: 'developer' }] }), useCase)).toBe(false);
    expect(canReadUseCase(principal({}), useCase)).toBe(false);
  });
});

// Whether the SQL selects the same rows as canReadUseCase is checked on real rows in test/use-case-visibility.e2e-spec.ts.
describe('visibleUseCasesSql', () => {
  it("continues the query's placeholders and binds each team once", () => {
    const params: unknown[] = ['design'];
    const sql = visibleUseCasesSql(principal({ teams: [{ teamId: 'a', role: 'developer' }, { teamId: 'a', role: 'deployer' }, { teamId: 'b', role: 'developer' }] }), 'u', params);
    expect(sql).toBe('(u.developer_team_id = ANY($2::uuid[]) OR u.deployer_team_id = ANY($2::uuid[]))');
    expect(params).toEqual(['design', ['a', 'b']]);
  });

  it('is a constant, with no parameter, for those who read everything and for those on no team', () => {
    const params: unknown[] = [];
    expect(visibleUseCasesSql(principal({ roles: ['legal'], teams: [{ teamId: 'a', role: 'developer' }] }), 'u', params)).toBe('TRUE');
    expect(visibleUseCasesSql(principal({}), 'u', params)).toBe('FALSE');
    expect(params).toEqual([]);
  });

  it('takes only a plain alias', () => {
    expect(() => visibleUseCasesSql(principal({}), 'u; DROP TABLE use_cases', [])).toThrow(/not a plain SQL alias/);
  });
});
