import { Principal } from '@app/auth';
import { Tier, TIERS } from '../gate-reviews/lifecycle';
import type { UseCaseParties } from '../gate-reviews/sign-off.policy';

/**
 * The tier decides which approvals a gate needs, so changing it by hand is a
 * governed decision: made by someone outside the use
 * case's teams who never authored it, and — when it lowers the tier — agreed
 * by a second such person before it takes effect.
 */

export type OverrideVerdict = { allowed: true } | { allowed: false; status: 403 | 409; code: string; reason: string };

const refuse = (status: 403 | 409, code: string, reason: string): OverrideVerdict => ({ allowed: false, status, code, reason });

/** The organisation roles whose holders may decide a tier. */
export const TIER_DECIDER_ROLES = ['assessor', 'legal'] as const;

export function tierRank(tier: Tier): number {
  return TIERS.indexOf(tier);
}

/** The tier in force once an override (or its removal, `null`) takes effect. */
export function tierAfterOverride(derived: Tier, requested: Tier | null): Tier {
  return requested ?? derived;
}

/** A change that lowers the tier in force needs a second independent person. */
export function needsSecondPerson(current: Tier, next: Tier): boolean {
  return tierRank(next) < tierRank(current);
}

/** May this person take part in deciding this use case's tier at all? */
export function checkTierDecider(actor: Principal, parties: UseCaseParties): OverrideVerdict {
  if (actor.kind !== 'user') return refuse(403, 'person-required', 'A tier is decided by people, not API keys.');
  if (!TIER_DECIDER_ROLES.some((role) => actor.roles.includes(role))) {
    return refuse(403, 'override-role-not-held', `Only a user holding ${TIER_DECIDER_ROLES.join(' or ')} decides a tier.`);
  }
  if (actor.teams.some((m) => m.teamId === parties.developerTeamId || m.teamId === parties.deployerTeamId)) {
    return refuse(403, 'override-by-team-member', "A member of the use case's teams does not decide its tier.");
  }
  if (parties.authorIds.includes(actor.userId)) {
    return refuse(403, 'override-by-author', 'Someone who authored a revision of the use case does not decide its tier.');
  }
  return { allowed: true };
}

export interface PendingTierChange {
  proposedBy: string;
  /** The tier in force when the change was proposed. */
  fromTier: Tier;
}

/**
 * The second person of a lowering: independent too, not the proposer, and
 * agreeing to the change from the tier that is still in force (a proposal made
 * against another tier is stale).
 */
export function checkTierConfirmation(actor: Principal, parties: UseCaseParties, pending: PendingTierChange, currentTier: Tier): OverrideVerdict {
  const decider = checkTierDecider(actor, parties);
  if (!decider.allowed) return decider;
  if (actor.userId === pending.proposedBy) {
    return refuse(403, 'override-needs-second-person', 'Lowering a tier needs a second person: the proposer cannot confirm their own proposal.');
  }
  if (pending.fromTier !== currentTier) {
    return refuse(409, 'override-request-stale', `The proposal was made while the tier was ${pending.fromTier}; it is now ${currentTier}. Propose again.`);
  }
  return { allowed: true };
}
