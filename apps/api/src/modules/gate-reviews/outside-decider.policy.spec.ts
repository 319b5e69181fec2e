import { Principal } from '@app/auth';
import { checkOutsideDecider } from './outside-decider.policy';

const parties = { developerTeamId: 'dev', deployerTeamId: 'ops', authorIds: ['author'] };
const person = (overrides: Partial<Principal> = {}): Principal =>
  ({ kind: 'user', userId: 'u1', roles: ['legal'], teams: [], ...overrides }) as Principal;
const check = (actor: Principal, role = 'legal', otherAuthors: string[] = []) =>
  checkOutsideDecider({ actor, role, allowedRoles: ['legal', 'assessor'], parties, otherAuthors, decision: 'decides' });

describe('a decision the team may not make about itself', () => {
  it('is made by a person holding a role the policy names, outside the teams, who wrote nothing of it', () => {
    expect(check(person())).toEqual({ allowed: true });
  });

  it.each([
    ['an API key', person({ kind: 'api_key' } as Partial<Principal>), 'legal', [], 'person-required'],
    ['a role the policy does not name', person({ roles: ['compliance_officer'] } as Partial<Principal>), 'compliance_officer', [], 'role-not-allowed'],
    ['a role not held', person({ roles: ['assessor'] } as Partial<Principal>), 'legal', [], 'role-not-held'],
    ['a member of the developer team', person({ teams: [{ teamId: 'dev', role: 'developer' }] }), 'legal', [], 'decider-on-team'],
    ['a member of the deployer team', person({ teams: [{ teamId: 'ops', role: 'deployer' }] }), 'legal', [], 'decider-on-team'],
    ['an author of the use case', person({ userId: 'author' }), 'legal', [], 'decider-is-author'],
    ['an author of what is decided', person(), 'legal', ['u1'], 'decider-is-author'],
  ])('refuses %s', (_name, actor, role, otherAuthors, code) => {
    expect(check(actor, role, otherAuthors)).toMatchObject({ allowed: false, status: 403, code });
  });
});
