import { Principal } from '@app/auth';
import { DEFAULT_GATE_POLICY_DATA, GatePolicyDocument } from '../gate-policies/gate-policy';
import { clearanceByApproval, clearanceByStage } from './clearance.policy';
import { reviewOpeningErrors } from './review-opening.policy';
import { mayDecideRollback, rollbackDeciders, rollbackTargetError } from './rollback.policy';
import { UseCaseParties } from './sign-off.policy';

const policy = DEFAULT_GATE_POLICY_DATA as unknown as GatePolicyDocument;
const parties: UseCaseParties = { developerTeamId: 'dev-team', deployerTeamId: 'ops-team', authorIds: [] };
const person = (overrides: Partial<Principal> = {}): Principal => ({ kind: 'user', userId: 'u', displayName: 'u', roles: [], teams: [], ...overrides });

describe('reviewOpeningErrors', () => {
  it('opens the gate ending the current stage, and retirement with a reason', () => {
    expect(reviewOpeningErrors({ stage: 'design', tier: 'high' }, { gate: 'design_to_develop' })).toEqual([]);
    expect(reviewOpeningErrors({ stage: 'operate', tier: 'minimal' }, { gate: 'operate_review' })).toEqual([]);
    expect(reviewOpeningErrors({ stage: 'develop', tier: 'limited' }, { gate: 'retire', reason: 'replaced' })).toEqual([]);
  });

  it('refuses every gate of a prohibited use case', () => {
    expect(reviewOpeningErrors({ stage: 'design', tier: 'prohibited' }, { gate: 'design_to_develop' })).toEqual([{ field: 'gate', detail: 'a prohibited use case cannot pass any gate' }]);
    expect(reviewOpeningErrors({ stage: 'operate', tier: 'prohibited' }, { gate: 'retire', reason: 'x' })).toHaveLength(1);
  });

  it('refuses a gate that does not end the current stage, and any gate of a retired use case', () => {
    expect(reviewOpeningErrors({ stage: 'design', tier: 'high' }, { gate: 'deploy_to_operate' })).toEqual([{ field: 'gate', detail: 'from design the gates are design_to_develop and retire' }]);
    expect(reviewOpeningErrors({ stage: 'retired', tier: 'high' }, { gate: 'retire', reason: 'again' })).toEqual([{ field: 'gate', detail: 'a retired use case has no gates' }]);
  });

  it('asks a retirement for its reason', () => {
    expect(reviewOpeningErrors({ stage: 'operate', tier: 'high' }, { gate: 'retire' })).toEqual([{ field: 'reason', detail: 'a retirement needs a reason' }]);
    expect(reviewOpeningErrors({ stage: 'operate', tier: 'high' }, { gate: 'retire', reason: '' })).toHaveLength(1);
  });
});

describe('rollback rules', () => {
  it('goes back to a strictly earlier stage, never from or into retirement', () => {
    expect(rollbackTargetError('operate', 'develop')).toBeUndefined();
    expect(rollbackTargetError('develop', 'design')).toBeUndefined();
    expect(rollbackTargetError('develop', 'develop')).toBe('a use case in develop goes back to an earlier stage');
    expect(rollbackTargetError('develop', 'deploy')).toBeDefined();
    expect(rollbackTargetError('operate', 'retired')).toBeDefined();
    expect(rollbackTargetError('retired', 'design')).toBeDefined();
  });

  it('is decided by the roles the policy names for the gate ending the current stage', () => {
    const forGate = (gate: keyof GatePolicyDocument['gates'], tier: 'minimal' | 'high') => policy.gates[gate][tier].signOffs.map((s) => s.role);
    expect(rollbackDeciders(policy, 'operate', 'minimal')).toEqual(forGate('operate_review', 'minimal'));
    expect(rollbackDeciders(policy, 'deploy', 'high')).toEqual(forGate('deploy_to_operate', 'high'));
  });

  it('holds a prohibited use case to the high tier deciders', () => {
    expect(rollbackDeciders(policy, 'develop', 'prohibited')).toEqual(rollbackDeciders(policy, 'develop', 'high'));
  });

  it('lets a person holding a deciding role for this use case decide, and no one else', () => {
    const deployer = person({ teams: [{ teamId: 'ops-team', role: 'deployer' }] });
    expect(mayDecideRollback(deployer, ['deployer', 'legal'], parties)).toBe(true);
    expect(mayDecideRollback(person({ roles: ['legal'] }), ['deployer', 'legal'], parties)).toBe(true);
    // A deployer of another team, a compliance officer, and an API key of a deciding person are not.
    expect(mayDecideRollback(person({ teams: [{ teamId: 'other', role: 'deployer' }] }), ['deployer'], parties)).toBe(false);
    expect(mayDecideRollback(person({ roles: ['compliance_officer'] }), ['deployer', 'legal'], parties)).toBe(false);
    expect(mayDecideRollback({ ...deployer, kind: 'api_key', apiKeyId: 'k' }, ['deployer'], parties)).toBe(false);
  });
});

describe('clearance', () => {
  it('decides from the stage alone when it can', () => {
    expect(clearanceByStage('develop', 'deploy')).toMatchObject({ cleared: false });
    expect(clearanceByStage('retired', 'operate')).toEqual({ cleared: false, reason: 'The use case is retired.' });
    expect(clearanceByStage('design', 'design')).toMatchObject({ cleared: true });
    expect(clearanceByStage('operate', 'deploy')).toBeUndefined();
    expect(clearanceByStage('retired', 'retired')).toBeUndefined();
  });

  it('clears exactly the content the passed review approved', () => {
    const passed = { id: 'r1', revision: 4, contentHash: 'h4' };
    expect(clearanceByApproval({ stage: 'deploy', revision: 4, revisionHash: 'h4', passed })).toMatchObject({ cleared: true });
    // A later revision that restores the approved content is the approved content.
    expect(clearanceByApproval({ stage: 'deploy', revision: 6, revisionHash: 'h4', passed })).toMatchObject({ cleared: true });
    expect(clearanceByApproval({ stage: 'deploy', revision: 5, revisionHash: 'h5', passed })).toMatchObject({ cleared: false });
  });

  it('does not clear a revision that does not exist, or a stage no review passed into', () => {
    expect(clearanceByApproval({ stage: 'deploy', revision: 9, revisionHash: undefined, passed: { id: 'r', revision: 9, contentHash: 'h' } })).toEqual({ cleared: false, reason: 'The use case has no revision 9.' });
    expect(clearanceByApproval({ stage: 'deploy', revision: 1, revisionHash: 'h1', passed: undefined })).toMatchObject({ cleared: false });
  });
});
