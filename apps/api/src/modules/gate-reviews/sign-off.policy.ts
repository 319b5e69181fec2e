import { Principal } from '@app/auth';
import { Gate, SignOffRole, Stage, Tier } from './lifecycle';

export const DECISIONS = ['approve', 'request_changes', 'reject'] as const;
export type Decision = (typeof DECISIONS)[number];

export interface RoleSlot {
  role: SignOffRole;
  quorum: number;
}

export interface ReviewState {
  status: 'open' | 'passed' | 'rejected' | 'changes_requested' | 'superseded';
  openedBy: string;
  /** The revision (and content hash) decisions must be made on. */
  revision: number;
  contentHash: string;
  slots: RoleSlot[];
}

export interface RecordedDecision {
  signerId: string;
  role: SignOffRole;
  decision: Decision;
  contentHash: string;
}

export interface UseCaseParties {
  developerTeamId: string;
  deployerTeamId: string;
  /** Everyone who authored a revision of the use case. */
  authorIds: string[];
}

export type SignOffVerdict = { allowed: true } | { allowed: false; status: 403 | 409 | 422; code: string; reason: string };

const refuse = (status: 403 | 409 | 422, code: string, reason: string): SignOffVerdict => ({ allowed: false, status, code, reason });

/** Does the principal hold this role for this use case? Team roles come from the use case's two teams. */
export function holdsSignOffRole(principal: Principal, role: SignOffRole, parties: UseCaseParties): boolean {
  if (role === 'legal' || role === 'assessor') return principal.roles.includes(role);
  return principal.teams.some(
    (membership) => membership.role === role && (membership.teamId === parties.developerTeamId || membership.teamId === parties.deployerTeamId),
  );
}

/**
 * The sign-off rules (README, Gate reviews and sign-offs), in the order a reviewer would check them.
 * `current` holds each signer's latest decision on this review.
 */
export function checkSignOff(input: {
  signer: Principal;
  role: SignOffRole;
  revision: number;
  review: ReviewState;
  parties: UseCaseParties;
  current: RecordedDecision[];
  /** The use case's tier as it is at the moment of the decision. */
  tier: Tier;
}): SignOffVerdict {
  const { signer, role, review, parties } = input;
  if (review.status !== 'open') return refuse(409, 'review-closed', `The review is ${review.status.replace('_', ' ')}; decisions are no longer taken.`);
  if (input.tier === 'prohibited') return refuse(409, 'use-case-prohibited', 'The use case is prohibited: it passes no gate, so its reviews take no decisions.');
  if (signer.kind !== 'user') return refuse(403, 'person-required', 'Sign-offs are made by people, not API keys.');
  if (!review.slots.some((slot) => slot.role === role)) {
    return refuse(422, 'role-not-required', `This review needs no ${role} sign-off; it needs ${review.slots.map((s) => `${s.quorum} ${s.role}`).join(', ')}.`);
  }
  if (!holdsSignOffRole(signer, role, parties)) {
    return refuse(403, 'role-not-held', role === 'developer' || role === 'deployer'
      ? `Only a ${role} of the use case's developer or deployer team signs as ${role}.`
      : `Only a user holding the ${role} role signs as ${role}.`);
  }
  if (signer.userId === review.openedBy) return refuse(403, 'opener-cannot-sign', 'The person who opened a review cannot sign it.');
  const otherSlot = input.current.find((decision) => decision.signerId === signer.userId && decision.role !== role);
  if (otherSlot) return refuse(403, 'one-slot-per-person', `You already fill the ${otherSlot.role} slot of this review; one person fills one slot.`);
  if (role === 'assessor') {
    if (signer.teams.some((m) => m.teamId === parties.developerTeamId || m.teamId === parties.deployerTeamId)) {
      return refuse(403, 'assessor-not-independent', "An independent assessor is not a member of the use case's teams.");
    }
    if (parties.authorIds.includes(signer.userId)) return refuse(403, 'assessor-not-independent', 'An independent assessor never authored a revision of the use case.');
  }
  if (input.revision !== review.revision) {
    return refuse(409, 'stale-revision', `The review is on revision ${review.revision}; your decision names revision ${input.revision}. Look at the current content and decide again.`);
  }
  return { allowed: true };
}

export type ReviewOutcome = { status: 'open'; missing: RoleSlot[] } | { status: 'passed' } | { status: 'rejected' } | { status: 'changes_requested' };

/**
 * Where the review stands after a decision: a rejection vetoes, a request for
 * changes sends it back, and it passes when every quorum is met by approvals
 * on the pinned content. Approvals on older content are stale and do not count.
 */
export function evaluateReview(review: Pick<ReviewState, 'slots' | 'contentHash'>, current: RecordedDecision[]): ReviewOutcome {
  if (current.some((decision) => decision.decision === 'reject')) return { status: 'rejected' };
  if (current.some((decision) => decision.decision === 'request_changes' && decision.contentHash === review.contentHash)) return { status: 'changes_requested' };
  const missing = review.slots
    .map((slot) => ({
      role: slot.role,
      quorum: slot.quorum - current.filter((d) => d.role === slot.role && d.decision === 'approve' && d.contentHash === review.contentHash).length,
    }))
    .filter((slot) => slot.quorum > 0);
  return missing.length ? { status: 'open', missing } : { status: 'passed' };
}

/** The gate at the end of each stage, and where passing it leads. */
export const FORWARD_GATES: Record<Exclude<Stage, 'retired'>, { gate: Gate; to: Stage }> = {
  design: { gate: 'design_to_develop', to: 'develop' },
  develop: { gate: 'develop_to_deploy', to: 'deploy' },
  deploy: { gate: 'deploy_to_operate', to: 'operate' },
  operate: { gate: 'operate_review', to: 'operate' },
};

/** The gates a use case in `stage` may ask for: the one ending its stage, and retirement. */
export function gatesOpenFrom(stage: Stage): Gate[] {
  if (stage === 'retired') return [];
  return [FORWARD_GATES[stage].gate, 'retire'];
}

export function stageAfter(gate: Gate, from: Stage): Stage {
  if (gate === 'retire') return 'retired';
  return FORWARD_GATES[from as Exclude<Stage, 'retired'>].to;
}
