import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditActor, AuditTrail } from '@app/audit';
import { GatePoliciesService } from '../gate-policies/gate-policies.service';
import { ReviewRow } from './gate-review.rows';
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
  ) {}

  async afterContentChange(tx: EntityManager, actor: AuditActor, useCase: ChangedUseCase): Promise<void> {
    const [review]: ReviewRow[] = await tx.query(`SELECT * FROM gate_reviews WHERE use_case_id = $1 AND status = 'open' FOR UPDATE`, [useCase.id]);
    if (!review) return;
    if (review.content_hash !== useCase.contentHash) await this.moveToRevision(tx, actor, review, useCase);
    await this.alignTier(tx, actor, review, useCase.tier);
  }

  /** The slots a review needs at `tier`, from the policy version it is pinned to. */
  async slotsFor(review: Pick<ReviewRow, 'policy_version' | 'gate'>, tier: GatedTier, manager?: EntityManager): Promise<RoleSlot[]> {
    const policy = await this.policies.get(review.policy_version, manager);
    return policy.document.gates[review.gate][tier].signOffs.map(({ role, quorum }) => ({ role, quorum }));
  }

  private async moveToRevision(tx: EntityManager, actor: AuditActor, review: ReviewRow, useCase: ChangedUseCase) {
    await tx.query('UPDATE gate_reviews SET revision = $2, content_hash = $3 WHERE id = $1', [review.id, useCase.revision, useCase.contentHash]);
    const latest: { id: string; signer_id: string; role: string; decision: string; content_hash: string }[] = await tx.query(
      `SELECT DISTINCT ON (signer_id) id, signer_id, role, decision, content_hash FROM sign_offs WHERE review_id = $1 ORDER BY signer_id, created_at DESC, id DESC`,
      [review.id],
    );
    const stale = latest.filter((s) => s.decision === 'approve' && s.content_hash !== useCase.contentHash);
    await this.trail.record(tx, {
      action: 'sign_off.staled',
      target: { type: 'gate_review', id: review.id },
      useCaseId: useCase.id,
      data: { reviewId: review.id, revision: useCase.revision, contentHash: useCase.contentHash, staleSignOffs: stale.map((s) => ({ signOffId: s.id, signerId: s.signer_id, role: s.role })) },
      actor,
    });
  }

  private async alignTier(tx: EntityManager, actor: AuditActor, review: ReviewRow, tier: Tier) {
    if (review.tier === tier) return;
    if (tier === 'prohibited') {
      await tx.query(`UPDATE gate_reviews SET status = 'superseded', closed_at = now() WHERE id = $1`, [review.id]);
      await tx.query(`UPDATE use_cases SET status = 'active' WHERE id = $1`, [review.use_case_id]);
      await this.trail.record(tx, {
        action: 'gate_review.superseded',
        target: { type: 'gate_review', id: review.id },
        useCaseId: review.use_case_id,
        before: { status: 'open', tier: review.tier },
        after: { status: 'superseded', tier },
        data: { gate: review.gate },
        reason: 'The use case became prohibited; a prohibited use case passes no gate.',
        actor,
      });
      return;
    }
    const slots = await this.slotsFor(review, tier, tx);
    await tx.query('UPDATE gate_reviews SET tier = $2, slots = $3 WHERE id = $1', [review.id, tier, JSON.stringify(slots)]);
    await this.trail.record(tx, {
      action: 'gate_review.repinned',
      target: { type: 'gate_review', id: review.id },
      useCaseId: review.use_case_id,
      before: { tier: review.tier, slots: review.slots },
      after: { tier, slots },
      data: { gate: review.gate, policyVersion: review.policy_version },
      actor,
    });
  }
}
