import { Principal } from '@app/auth';
import type { UseCaseParties } from '../gate-reviews/sign-off.policy';
import { checkTierConfirmation, checkTierDecider, needsSecondPerson, tierAfterOverride } from './tier-override.policy';

const parties: UseCaseParties = { developerTeamId: 'dev-team', deployerTeamId: 'ops-team', authorIds: ['author'] };
const person = (userId: string, overrides: Partial<Principal> = {}): Principal => ({ kind: 'user', userId, displayName: userId, roles: [], teams: [], ...overrides });
const assessor = person('assessor', { roles: ['assessor'] });
const lawyer = person('lawyer', { roles: ['legal'] });

describe('checkTierDecider', () => {
  it('lets an assessor or a lawyer outside the teams decide', () => {
    expect(checkTierDecider(assessor, parties)).toEqual({ allowed: true });
    expect(checkTierDecider(lawyer, parties)).toEqual({ allowed: true });
  });

  it('refuses each kind of insider with its own code', () => {
    const teamAssessor = person('a2', { roles: ['assessor'], teams: [{ teamId: 'dev-team', role: 'developer' }] });
    const deployerLawyer = person('l2', { roles: ['legal'], teams: [{ teamId: 'ops-team', role: 'deployer' }] });
    const author = person('author', { roles: ['assessor'] });
    expect(checkTierDecider(teamAssessor, parties)).toMatchObject({ allowed: false, status: 403, code: 'override-by-team-member' });
    expect(checkTierDecider(deployerLawyer, parties)).toMatchObject({ allowed: false, code: 'override-by-team-member' });
    expect(checkTierDecider(author, parties)).toMatchObject({ allowed: false, status: 403, code: 'override-by-author' });
    expect(checkTierDecider(person('admin', { roles: ['admin'] }), parties)).toMatchObject({ allowed: false, code: 'override-role-not-held' });
    expect(checkTierDecider({ ...assessor, kind: 'api_key' }, parties)).toMatchObject({ allowed: false, code: 'person-required' });
  });
});

describe('the two-person rule for lowering', () => {
  it('asks for a second person only when the tier in force goes down', () => {
    expect(needsSecondPerson('high', 'minimal')).toBe(true);
    expect(needsSecondPerson('prohibited', 'high')).toBe(true);
    expect(needsSecondPerson('limited', 'high')).toBe(false);
    expect(needsSecondPerson('high', 'high')).toBe(false);
    expect(needsSecondPerson('minimal', 'prohibited')).toBe(false);
  });

  it('removing an override falls back to the derived tier', () => {
    expect(tierAfterOverride('limited', null)).toBe('limited');
    expect(tierAfterOverride('limited', 'high')).toBe('high');
  });

  it('refuses the proposer, insiders and a proposal made against another tier', () => {
    const pending = { proposedBy: 'assessor', fromTier: 'high' as const };
    expect(checkTierConfirmation(lawyer, parties, pending, 'high')).toEqual({ allowed: true });
    expect(checkTierConfirmation(assessor, parties, pending, 'high')).toMatchObject({ allowed: false, status: 403, code: 'override-needs-second-person' });
    expect(checkTierConfirmation(lawyer, parties, pending, 'limited')).toMatchObject({ allowed: false, status: 409, code: 'override-request-stale' });
    const insider = person('x', { roles: ['legal'], teams: [{ teamId: 'dev-team', role: 'developer' }] });
    expect(checkTierConfirmation(insider, parties, pending, 'high')).toMatchObject({ allowed: false, code: 'override-by-team-member' });
  });
});
