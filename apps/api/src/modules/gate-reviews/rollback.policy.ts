import type { Principal } from '@app/auth';
import type { GatePolicyDocument } from '../gate-policies/gate-policy';
import { GatedTier, SignOffRole, STAGES, Stage, Tier } from './lifecycle';
import { FORWARD_GATES, holdsSignOffRole, UseCaseParties } from './sign-off.policy';

/** Where a use case at `stage` may be sent back to: an earlier stage, never from or into retirement. */
export function rollbackTargetError(stage: Stage, toStage: Stage): string | undefined {
  const earlier = stage !== 'retired' && toStage !== 'retired' && STAGES.indexOf(toStage) < STAGES.indexOf(stage);
  return earlier ? undefined : `a use case in ${stage} goes back to an earlier stage`;
}

/**
 * The roles that decide a rollback from `stage`: those the policy names for
 * the gate ending that stage, at the use case's tier. A prohibited use case is
 * held to the high tier's people: it may always be sent back, by the strictest set.
 */
export function rollbackDeciders(policy: GatePolicyDocument, stage: Exclude<Stage, 'retired'>, tier: Tier): SignOffRole[] {
  const gatedTier: GatedTier = tier === 'prohibited' ? 'high' : tier;
  return policy.gates[FORWARD_GATES[stage].gate][gatedTier].signOffs.map((slot) => slot.role);
}

/** May this principal decide the rollback? A person holding one of the deciding roles for this use case. */
export function mayDecideRollback(principal: Principal, deciders: SignOffRole[], parties: UseCaseParties): boolean {
  return principal.kind === 'user' && deciders.some((role) => holdsSignOffRole(principal, role, parties));
}
