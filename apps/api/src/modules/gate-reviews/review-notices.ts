import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { NoticeUseCase, NotificationsService } from '../notifications/notifications.service';
import { Decision, RecordedDecision, ReviewOutcome, ReviewState, RoleSlot, UseCaseParties, checkSignOff } from './sign-off.policy';
import { GatedTier, SignOffRole } from './lifecycle';
import { GateReview } from './gate-review.entity';

/** The review facts a notice names. */
type NoticeReview = Pick<GateReview, 'id' | 'gate' | 'fromStage' | 'toStage' | 'tier' | 'revision' | 'openedBy' | 'contentHash' | 'slots' | 'status'>;

/**
 * Who a gate review's steps notify, decided with the sign-off rules, and
 * written through NotificationsService in the step's own transaction: a
 * notice exists exactly when its step committed.
 */
@Injectable()
export class ReviewNotices {
  constructor(private readonly notifications: NotificationsService) {}

  /**
   * Asks the people who may fill `roles` that their sign-off is needed:
   * those the sign-off rules would accept in the role now (not the opener,
   * not someone filling another slot, an independent assessor), and who have
   * not decided on the current content already.
   */
  async askForSignOffs(
    tx: EntityManager,
    input: { review: NoticeReview; useCase: NoticeUseCase; parties: UseCaseParties; current: RecordedDecision[]; roles: SignOffRole[]; again: boolean },
  ): Promise<void> {
    const { review, useCase, parties, current, roles } = input;
    if (!roles.length) return;
    const state: ReviewState = { status: 'open', openedBy: review.openedBy, revision: review.revision, contentHash: review.contentHash, slots: review.slots };
    const candidates = await this.notifications.slotHolders(tx, [parties.developerTeamId, parties.deployerTeamId], roles);
    const asks = candidates.map((signer) => ({
      userId: signer.userId,
      roles: roles.filter((role) => {
        const decided = current.some((d) => d.signerId === signer.userId && d.role === role && d.contentHash === review.contentHash);
        return !decided && checkSignOff({ signer, role, revision: review.revision, review: state, parties, current, tier: review.tier }).allowed;
      }),
    }));
    await this.notifications.askForSignOffs(tx, { useCase, review: facts(review), asks, again: input.again });
  }

  /** Tells the use case's teams of a decision, and where the review stands after it. */
  async tellTeam(
    tx: EntityManager,
    input: { review: NoticeReview; useCase: NoticeUseCase; signOff: { id: string; signerId: string; signerName: string; role: string; decision: Decision; comment: string }; outcome: ReviewOutcome['status'] },
  ): Promise<void> {
    await this.notifications.tellTeamOfDecision(tx, { useCase: input.useCase, review: facts(input.review), signOff: input.signOff, outcome: input.outcome });
  }
}

/**
 * The roles a change asks for anew: those whose missing approvals grew —
 * a slot the new tier adds or enlarges, or approvals gone stale with the
 * content. A role missing as many approvals as before asks nobody new.
 */
export function rolesAskedAgain(before: RoleSlot[], after: RoleSlot[]): SignOffRole[] {
  return after.filter((slot) => slot.quorum > (before.find((b) => b.role === slot.role)?.quorum ?? 0)).map((slot) => slot.role);
}

function facts(review: NoticeReview) {
  return { id: review.id, gate: review.gate, fromStage: review.fromStage, toStage: review.toStage, tier: review.tier as GatedTier, revision: review.revision };
}
