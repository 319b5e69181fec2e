import { Principal } from '@app/auth';
import { Tier } from './lifecycle';
import { checkSignOff, evaluateReview, RecordedDecision, ReviewState, UseCaseParties } from './sign-off.policy';

const parties: UseCaseParties = { developerTeamId: 'dev-team', deployerTeamId: 'ops-team', authorIds: ['author'] };
const review = (overrides: Partial<ReviewState> = {}): ReviewState => ({
  status: 'open',
  openedBy: 'opener',
  revision: 3,
  contentHash: 'h3',
  slots: [{ role: 'developer', quorum: 1 }, { role: 'legal', quorum: 1 }, { role: 'assessor', quorum: 2 }],
  ...overrides,
});
const person = (userId: string, overrides: Partial<Principal> = {}): Principal => ({ kind: 'user', userId, displayName: userId, roles: [], teams: [], ...overrides });
const developer = person('dev', { teams: [{ teamId: 'dev-team', role: 'developer' }] });
const legal = person('lawyer', { roles: ['legal'] });
const assessor = person('assessor', { roles: ['assessor'] });

const check = (
  signer: Principal,
  role: 'developer' | 'deployer' | 'legal' | 'assessor',
  extra: { revision?: number; review?: ReviewState; current?: RecordedDecision[]; tier?: Tier } = {},
) => checkSignOff({ signer, role, revision: extra.revision ?? 3, review: extra.review ?? review(), parties, current: extra.current ?? [], tier: extra.tier ?? 'high' });

describe('checkSignOff', () => {
  it('allows a holder of a required role on the pinned revision', () => {
    expect(check(developer, 'developer')).toEqual({ allowed: true });
    expect(check(legal, 'legal')).toEqual({ allowed: true });
    expect(check(assessor, 'assessor')).toEqual({ allowed: true });
  });

  it('rule 1: only a holder of the role signs in it', () => {
    expect(check(legal, 'developer')).toMatchObject({ allowed: false, status: 403, code: 'role-not-held' });
    expect(check(developer, 'legal')).toMatchObject({ allowed: false, status: 403, code: 'role-not-held' });
    const otherTeamDeveloper = person('x', { teams: [{ teamId: 'elsewhere', role: 'developer' }] });
    expect(check(otherTeamDeveloper, 'developer')).toMatchObject({ allowed: false, code: 'role-not-held' });
    const deployerOnly = person('y', { teams: [{ teamId: 'dev-team', role: 'deployer' }] });
    expect(check(deployerOnly, 'developer')).toMatchObject({ allowed: false, code: 'role-not-held' });
  });

  it('rule 8: a prohibited use case takes no decision, whoever signs', () => {
    for (const [signer, role] of [[developer, 'developer'], [legal, 'legal'], [assessor, 'assessor']] as const) {
      expect(check(signer, role, { tier: 'prohibited' })).toMatchObject({ allowed: false, status: 409, code: 'use-case-prohibited' });
      expect(check(signer, role, { tier: 'limited' })).toEqual({ allowed: true });
    }
  });

  it('rule 2: the opener cannot sign', () => {
    expect(check(person('opener', { roles: ['legal'] }), 'legal')).toMatchObject({ allowed: false, status: 403, code: 'opener-cannot-sign' });
  });

  it('rule 2: one person fills one slot', () => {
    const both = person('both', { roles: ['legal'], teams: [{ teamId: 'dev-team', role: 'developer' }] });
    const current: RecordedDecision[] = [{ signerId: 'both', role: 'developer', decision: 'approve', contentHash: 'h3' }];
    expect(check(both, 'legal', { current })).toMatchObject({ allowed: false, status: 403, code: 'one-slot-per-person' });
    // The same slot again is a new decision that supersedes the first.
    expect(check(both, 'developer', { current })).toEqual({ allowed: true });
  });

  it('rule 3: an assessor is independent of the teams and of the authors', () => {
    const teamAssessor = person('ta', { roles: ['assessor'], teams: [{ teamId: 'ops-team', role: 'deployer' }] });
    expect(check(teamAssessor, 'assessor')).toMatchObject({ allowed: false, status: 403, code: 'assessor-not-independent' });
    expect(check(person('author', { roles: ['assessor'] }), 'assessor')).toMatchObject({ allowed: false, code: 'assessor-not-independent' });
  });

  it('rule 4: a decision binds to the pinned revision', () => {
    expect(check(legal, 'legal', { revision: 2 })).toMatchObject({ allowed: false, status: 409, code: 'stale-revision' });
  });

  it('rule 5/6: a closed review takes no decisions', () => {
    for (const status of ['passed', 'rejected', 'changes_requested'] as const) {
      expect(check(legal, 'legal', { review: review({ status }) })).toMatchObject({ allowed: false, status: 409, code: 'review-closed' });
    }
  });

  it('refuses a role the review does not need, and API keys', () => {
    expect(check(person('d', { teams: [{ teamId: 'ops-team', role: 'deployer' }] }), 'deployer')).toMatchObject({ allowed: false, status: 422, code: 'role-not-required' });
    expect(check({ ...legal, kind: 'api_key', apiKeyId: 'k' }, 'legal')).toMatchObject({ allowed: false, code: 'person-required' });
  });
});

describe('evaluateReview', () => {
  const slots = review().slots;
  const approve = (signerId: string, role: RecordedDecision['role'], contentHash = 'h3'): RecordedDecision => ({ signerId, role, decision: 'approve', contentHash });

  it('passes exactly when every quorum is met', () => {
    const some = [approve('d', 'developer'), approve('l', 'legal'), approve('a1', 'assessor')];
    expect(evaluateReview({ slots, contentHash: 'h3' }, some)).toEqual({ status: 'open', missing: [{ role: 'assessor', quorum: 1 }] });
    expect(evaluateReview({ slots, contentHash: 'h3' }, [...some, approve('a2', 'assessor')])).toEqual({ status: 'passed' });
  });

  it('does not count approvals on older content (stale)', () => {
    const decisions = [approve('d', 'developer', 'h2'), approve('l', 'legal', 'h2'), approve('a1', 'assessor'), approve('a2', 'assessor')];
    expect(evaluateReview({ slots, contentHash: 'h3' }, decisions)).toMatchObject({ status: 'open', missing: [{ role: 'developer' }, { role: 'legal' }] });
  });

  it('lets one rejection veto everything else', () => {
    const decisions = [approve('d', 'developer'), approve('l', 'legal'), approve('a1', 'assessor'), approve('a2', 'assessor')];
    expect(evaluateReview({ slots, contentHash: 'h3' }, [...decisions.slice(0, 3), { ...decisions[3], decision: 'reject' }])).toEqual({ status: 'rejected' });
  });

  it('sends the review back on a request for changes', () => {
    expect(evaluateReview({ slots, contentHash: 'h3' }, [{ signerId: 'l', role: 'legal', decision: 'request_changes', contentHash: 'h3' }])).toEqual({ status: 'changes_requested' });
  });
});
