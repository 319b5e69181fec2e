import { Principal } from '@app/auth';
import { ForbiddenError, HiddenRefusal, NotFoundError } from '@app/errors';
import { assertUseCaseAccess } from './use-case-access';

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
      expect(() => assertUseCaseAccess(principal({ roles: [role] }), useCase, 'write')).toThrow(ForbiddenError);
    }
  });

  it('hides the use case from a member of another team', () => {
    const outsider = principal({ teams: [{ teamId: 'team-other', role: 'developer' }] });
    expect(() => assertUseCaseAccess(outsider, useCase, 'read')).toThrow(NotFoundError);
    expect(() => assertUseCaseAccess(outsider, useCase, 'write')).toThrow(HiddenRefusal);
  });
});
