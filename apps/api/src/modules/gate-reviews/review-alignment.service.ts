import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditTrail } from '@app/audit';
import { GatePoliciesService } from '../gate-policies/gate-policies.service';
import { UseCaseGates } from '../use-cases/use-case-gates.service';
import { GateReview } from './gate-review.entity';
import { authorsOf } from '../use-cases/use-cases.repository';
import { GateReviewsRepository } from './gate-reviews.repository';
import { GatedTier, Tier } from './lifecycle';
import { ReviewNotices, rolesAskedAgain } from './review-notices';
import { evaluateReview, RecordedDecision, RoleSlot } from './sign-off.policy';

/** The use case as it stands after a change, as far as its open review cares. */
export interface ChangedUseCase {
  id: string;
  revision: number;
  contentHash: string;
  tier: Tier;
  /** Named in the notices a change sends (the use case's title after the change). */
  title: string;
  developerTeamId: string;
  deployerTeamId: string;
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
    private readonly notices: ReviewNotices,
  ) {}

  async afterContentChange(tx: EntityManager, useCase: ChangedUseCase): Promise<void> {
    const review = await tx
      .getRepository(GateReview)
      .createQueryBuilder('r')
      .setLock('pessimistic_write')
      .where("r.use_case_id = :useCaseId AND r.status = 'open'", { useCaseId: useCase.id })
      .getOne();
    if (!review) return;
    const decisions = (await this.repository.currentDecisions(tx, [review.id])).get(review.id)!.map(toRecorded);
    const missingBefore = missingOf(review.slots, review.contentHash, decisions);
    if (review.contentHash !== useCase.contentHash) await this.moveToRevision(tx, review, useCase);
    const slots = await this.alignTier(tx, review, useCase.tier);
    if (!slots || useCase.tier === 'prohibited') return;
    // Whoever a new slot, a larger quorum or a stale approval now needs is asked, once for this revision.
    const roles = rolesAskedAgain(missingBefore, missingOf(slots, useCase.contentHash, decisions));
    if (!roles.length) return;
    const parties = { developerTeamId: useCase.developerTeamId, deployerTeamId: useCase.deployerTeamId, authorIds: (await authorsOf(tx, [useCase.id])).get(useCase.id) ?? [] };
    await this.notices.askForSignOffs(tx, {
      review: { ...review, tier: useCase.tier, slots, revision: useCase.revision, contentHash: useCase.contentHash },
      useCase: { id: useCase.id, title: useCase.title, developerTeamId: useCase.developerTeamId, deployerTeamId: useCase.deployerTeamId },
      parties,
      current: decisions,
      roles,
      again: true,
    });
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

  /** The review's slots after the change; undefined when it was closed. */
  private async alignTier(tx: EntityManager, review: GateReview, tier: Tier): Promise<RoleSlot[] | undefined> {
    if (review.tier === tier) return review.slots;
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
      return undefined;
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
    return slots;
  }
}

/** The approvals still missing, by role, for these slots on this content. */
function missingOf(slots: RoleSlot[], contentHash: string, decisions: RecordedDecision[]): RoleSlot[] {
  const outcome = evaluateReview({ slots, contentHash }, decisions);
  return outcome.status === 'open' ? outcome.missing : [];
}

function toRecorded(decision: { signerId: string; role: RoleSlot['role']; decision: RecordedDecision['decision']; contentHash: string }): RecordedDecision {
  return { signerId: decision.signerId, role: decision.role, decision: decision.decision, contentHash: decision.contentHash };
}
