import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditTrail } from '@app/audit';
import { GatePoliciesService } from '../gate-policies/gate-policies.service';
import { UseCaseGates } from '../use-cases/use-case-gates.service';
import { GateReview } from './gate-review.entity';
import { GateReviewsRepository } from './gate-reviews.repository';
import { GatedTier, Tier } from './lifecycle';
import { RoleSlot } from './sign-off.policy';

/** The use case as it stands after a change, as far as its open review cares. */
export interface ChangedUseCase {
  id: string;
  revision: number;
  contentHash: string;
  tier: Tier;
}

/**
 * Keeps an open review in line with its use case, in the transaction of the
 * change (the use case row is already locked, so the order of locks is the
 * same as a sign-off's: use case, then review).
 *
 * - New content: the review moves to the new revision; approvals given on the
 *   old content become stale (kept, no longer counted).
 * - A new tier: the review is re-pinned to that tier's sign-off slots of the
 *   policy version it opened under, so a tier that rises mid-review brings its
 *   assessors and legal with it, and one that falls stops asking for them.
 *   Evidence and checklist requirements follow the tier too: they are checked
 *   against the use case as it is at the moment the review would pass.
 * - Prohibited: the review is closed as superseded; a prohibited use case
 *   passes no gate (docs/decisions/0006-tier-changes-during-review.md).
 */
@Injectable()
export class ReviewAlignment {
  constructor(
    private readonly trail: AuditTrail,
    private readonly policies: GatePoliciesService,
    private readonly useCaseGates: UseCaseGates,
    private readonly repository: GateReviewsRepository,
  ) {}

  async afterContentChange(tx: EntityManager, useCase: ChangedUseCase): Promise<void> {
    const review = await tx
      .getRepository(GateReview)
      .createQueryBuilder('r')
      .setLock('pessimistic_write')
      .where("r.use_case_id = :useCaseId AND r.status = 'open'", { useCaseId: useCase.id })
      .getOne();
    if (!review) return;
    if (review.contentHash !== useCase.contentHash) await this.moveToRevision(tx, review, useCase);
    await this.alignTier(tx, review, useCase.tier);
  }

  /** The slots a review needs at `tier`, from the policy version it is pinned to. */
  private async slotsFor(review: Pick<GateReview, 'policyVersion' | 'gate'>, tier: GatedTier, manager?: EntityManager): Promise<RoleSlot[]> {
    const policy = await this.policies.get(review.policyVersion, manager);
    return policy.document.gates[review.gate][tier].signOffs.map(({ role, quorum }) => ({ role, quorum }));
  }

  private async moveToRevision(tx: EntityManager, review: GateReview, useCase: ChangedUseCase) {
    await tx.getRepository(GateReview).update({ id: review.id }, { revision: useCase.revision, contentHash: useCase.contentHash });
    const latest = (await this.repository.currentDecisions(tx, [review.id])).get(review.id)!;
    const stale = latest.filter((s) => s.decision === 'approve' && s.contentHash !== useCase.contentHash);
    await this.trail.record(tx, {
      action: 'sign_off.staled',
      target: { type: 'gate_review', id: review.id },
      useCaseId: useCase.id,
      data: { reviewId: review.id, revision: useCase.revision, contentHash: useCase.contentHash, staleSignOffs: stale.map((s) => ({ signOffId: s.id, signerId: s.signerId, role: s.role })) },
    });
  }

  private async alignTier(tx: EntityManager, review: GateReview, tier: Tier) {
    if (review.tier === tier) return;
    if (tier === 'prohibited') {
      await this.repository.close(tx, review.id, 'superseded');
      await this.useCaseGates.markActive(tx, review.useCaseId);
      await this.trail.record(tx, {
        action: 'gate_review.superseded',
        target: { type: 'gate_review', id: review.id },
        useCaseId: review.useCaseId,
        before: { status: 'open', tier: review.tier },
        after: { status: 'superseded', tier },
        data: { gate: review.gate },
        reason: 'The use case became prohibited; a prohibited use case passes no gate.',
      });
      return;
    }
    const slots = await this.slotsFor(review, tier, tx);
    await tx.getRepository(GateReview).update({ id: review.id }, { tier, slots });
    await this.trail.record(tx, {
      action: 'gate_review.repinned',
      target: { type: 'gate_review', id: review.id },
      useCaseId: review.useCaseId,
      before: { tier: review.tier, slots: review.slots },
      after: { tier, slots },
      data: { gate: review.gate, policyVersion: review.policyVersion },
    });
  }
}
