import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Stage } from '../gate-reviews/lifecycle';
import { UseCaseRevision } from './use-case-revision.entity';
import { UseCase } from './use-case.entity';

/**
 * What gate reviews change on a use case, written here because use-cases owns
 * the table: its status while a review is open, the stage a passed gate or a
 * rollback moves it to, and when its next periodic review falls due. Every
 * method runs in the caller's transaction, on a use case row it has locked.
 */
@Injectable()
export class UseCaseGates {
  /** A review opened: the use case is in review until it closes. */
  async markInReview(tx: EntityManager, useCaseId: string): Promise<void> {
    await tx.getRepository(UseCase).update({ id: useCaseId }, { status: 'in_review' });
  }

  /** A review closed without passing (rejected, changes requested, superseded). */
  async markActive(tx: EntityManager, useCaseId: string): Promise<void> {
    await tx.getRepository(UseCase).update({ id: useCaseId }, { status: 'active' });
  }

  /**
   * A gate passed into `stage`. Entering operate (or staying there after a
   * periodic review) sets the next review `reviewIntervalMonths` from today;
   * any other stage has none. A pending re-review reason is answered.
   */
  async enterStage(tx: EntityManager, useCaseId: string, stage: Stage, reviewIntervalMonths: number): Promise<void> {
    await tx
      .createQueryBuilder()
      .update(UseCase)
      .set({
        stage,
        status: stage === 'retired' ? 'retired' : 'active',
        updatedAt: () => 'now()',
        nextReviewDue: () => (stage === 'operate' ? 'current_date + make_interval(months => :months)' : 'NULL'),
        rereviewReason: null,
      })
      .where('id = :useCaseId', { useCaseId, months: reviewIntervalMonths })
      .execute();
  }

  /** Sent back to an earlier stage: no periodic review is due there. */
  async rollBackTo(tx: EntityManager, useCaseId: string, stage: Stage): Promise<void> {
    await tx.getRepository(UseCase).update({ id: useCaseId }, { stage, nextReviewDue: null, rereviewReason: null, updatedAt: () => 'now()' });
  }

  /** The content hash of one revision, or undefined when the use case has no such revision. */
  async revisionHash(manager: EntityManager, useCaseId: string, revision: number): Promise<string | undefined> {
    const found = await manager.getRepository(UseCaseRevision).findOne({ select: { contentHash: true }, where: { useCaseId, revision } });
    return found?.contentHash;
  }
}
