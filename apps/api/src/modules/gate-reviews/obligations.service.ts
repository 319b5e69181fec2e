import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditTrail } from '@app/audit';
import { Principal } from '@app/auth';
import { NotFoundError } from '@app/errors';
import { assertUseCaseAccess } from '../use-cases/use-case-access';
import { UseCasesService } from '../use-cases/use-cases.service';
import { GateReview } from './gate-review.entity';
import { Obligation } from './obligation.entity';
import { SignOff } from './sign-off.entity';

/**
 * The conditions approvals carry, owed once their gate has passed: created in
 * the transaction of the pass, then opened and closed by the team.
 */
@Injectable()
export class ObligationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly trail: AuditTrail,
    private readonly useCases: UseCasesService,
  ) {}

  /** The conditions of the approvals that passed `review`, on its pinned content, as obligations. Returns how many. */
  async createFromApprovals(tx: EntityManager, review: GateReview, decisions: SignOff[]): Promise<number> {
    const obligations = decisions
      .filter((d) => d.decision === 'approve' && d.contentHash === review.contentHash)
      .flatMap((d) =>
        d.conditions.map((condition) => ({
          useCaseId: review.useCaseId,
          reviewId: review.id,
          signOffId: d.id,
          description: condition.description,
          ownerId: condition.ownerId ?? null,
          dueDate: condition.dueDate ?? null,
        })),
      );
    if (obligations.length) await tx.getRepository(Obligation).insert(obligations);
    return obligations.length;
  }

  async list(principal: Principal, useCaseId: string) {
    await this.useCases.get(principal, useCaseId);
    return this.listIn(this.dataSource.manager, useCaseId);
  }

  async update(principal: Principal, useCaseId: string, obligationId: string, status: 'open' | 'closed', note?: string) {
    return this.dataSource.transaction(async (tx) => {
      const useCase = await this.useCases.findUseCase(tx, useCaseId, true);
      assertUseCaseAccess(principal, useCase, 'write');
      const obligation = await tx
        .getRepository(Obligation)
        .createQueryBuilder('o')
        .setLock('pessimistic_write')
        .where('o.id = :obligationId AND o.use_case_id = :useCaseId', { obligationId, useCaseId })
        .getOne();
      if (!obligation) throw new NotFoundError(`No obligation ${obligationId} on this use case.`);
      if (obligation.status !== status) {
        await tx.getRepository(Obligation).update({ id: obligationId }, { status, closedAt: () => (status === 'closed' ? 'now()' : 'NULL') });
        await this.trail.record(tx, {
          action: 'obligation.updated',
          target: { type: 'obligation', id: obligationId },
          useCaseId,
          before: { status: obligation.status },
          after: { status },
          reason: note,
        });
      }
      return (await this.listIn(tx, useCaseId)).find((o) => o.id === obligationId);
    });
  }

  private async listIn(manager: EntityManager, useCaseId: string) {
    const obligations = await manager.getRepository(Obligation).find({ where: { useCaseId }, order: { createdAt: 'ASC' } });
    return obligations.map((o) => ({
      id: o.id,
      reviewId: o.reviewId,
      signOffId: o.signOffId,
      description: o.description,
      ownerId: o.ownerId,
      dueDate: o.dueDate,
      status: o.status,
      closedAt: o.closedAt,
    }));
  }
}

