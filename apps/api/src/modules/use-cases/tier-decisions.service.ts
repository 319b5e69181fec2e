import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AuditTrail, DeniedAttempts } from '@app/audit';
import { Principal } from '@app/auth';
import { rowsToEntities } from '@app/database';
import { Tier } from '../gate-reviews/lifecycle';
import { TierOverrideDto } from './dto/checklist.dto';
import { TierChangeRequest, TierChangeRequestStatus } from './tier-change-request.entity';
import { checkTierConfirmation, checkTierDecider, needsSecondPerson, OverrideVerdict, tierAfterOverride } from './tier-override.policy';
import { UseCaseView } from './use-case.view';
import { TierChangeClosed, TierChangeRequestNotFound, TierDecisionRefused } from './use-cases.errors';
import { ContentEvent, UseCasesService } from './use-cases.service';

export interface TierChangeRequestView {
  id: string;
  useCaseId: string;
  /** The override asked for; null asks for the override to be removed. */
  tier: Tier | null;
  justification: string;
  fromTier: Tier;
  toTier: Tier;
  proposedBy: string;
  proposedAt: string;
  status: TierChangeRequestStatus;
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
}

export type TierDecisionOutcome = { outcome: 'applied'; useCase: UseCaseView } | { outcome: 'pending'; request: TierChangeRequestView };

const TIER_CHANGE_DECISION = 'use_case.tier_change_decided';

/**
 * Tier overrides as governed decisions (the rules are in tier-override.policy.ts;
 * README, Tier overrides). Raising the tier, or a change that leaves it where it
 * is, takes effect at once; lowering it is a proposal that a second independent
 * person confirms. The override itself is part of the use case's content, so it
 * takes effect through UseCasesService.change: a new revision, its audit event,
 * and the open review re-pinned.
 */
@Injectable()
export class TierDecisionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(TierChangeRequest) private readonly requestRows: Repository<TierChangeRequest>,
    private readonly useCases: UseCasesService,
    private readonly trail: AuditTrail,
    private readonly denials: DeniedAttempts,
  ) {}

  /** `input` null removes the override (the derived tier applies again). */
  override(principal: Principal, id: string, input: TierOverrideDto | null): Promise<TierDecisionOutcome> {
    const attempt = { attempted: 'use_case.tier_overridden', target: { type: 'use_case', id }, useCaseId: id };
    return this.denials.watch(attempt, () =>
      this.dataSource.transaction(async (tx) => {
        const useCase = await this.useCases.lockUseCaseForChange(tx, principal, id, 'read');
        assertAllowed(checkTierDecider(principal, await this.useCases.partiesOfUseCase(tx, useCase)));
        const requested = input?.tier ?? null;
        const next = tierAfterOverride(useCase.derivedTier, requested);
        await this.supersedePending(tx, id, 'a newer tier decision replaced it');
        if (needsSecondPerson(useCase.tier, next)) {
          const inserted = await tx
            .createQueryBuilder()
            .insert()
            .into(TierChangeRequest)
            .values({
              useCaseId: id,
              tier: requested,
              justification: input?.justification ?? 'remove the tier override',
              fromTier: useCase.tier,
              toTier: next,
              proposedBy: principal.userId,
            })
            .returning('*')
            .execute();
          const [created] = rowsToEntities(tx, TierChangeRequest, inserted.raw);
          await this.trail.record(tx, {
            action: 'use_case.tier_change_proposed',
            target: { type: 'tier_change_request', id: created.id },
            useCaseId: id,
            before: { tier: created.fromTier },
            after: { tier: created.toTier },
            data: { requestId: created.id, override: created.tier },
            reason: created.justification,
          });
          return { outcome: 'pending', request: toView(created) };
        }
        const changed = await this.applyOverride(tx, principal, id, input, {});
        return { outcome: 'applied', useCase: changed };
      }),
    );
  }

  /** The second person's answer to a proposed lowering: confirm (it takes effect) or refuse. */
  decide(principal: Principal, id: string, requestId: string, decision: 'confirm' | 'refuse', comment?: string): Promise<TierDecisionOutcome> {
    const attempt = { attempted: TIER_CHANGE_DECISION, target: { type: 'tier_change_request', id: requestId }, useCaseId: id };
    return this.denials.watch(attempt, () =>
      this.dataSource.transaction(async (tx) => {
        // The use case first, then the request: the lock order of every change to a use case.
        const useCase = await this.useCases.lockUseCaseForChange(tx, principal, id, 'read');
        const request = await tx
          .getRepository(TierChangeRequest)
          .createQueryBuilder('r')
          .where('r.id = :requestId AND r.useCaseId = :id', { requestId, id })
          .setLock('pessimistic_write')
          .getOne();
        if (!request) throw new TierChangeRequestNotFound(requestId);
        if (request.status !== 'pending') throw new TierChangeClosed(request.status);
        const parties = await this.useCases.partiesOfUseCase(tx, useCase);
        if (decision === 'refuse') {
          assertAllowed(checkTierDecider(principal, parties));
          const refused = await this.close(tx, requestId, 'refused', principal.userId, comment);
          await this.trail.record(tx, {
            action: 'use_case.tier_change_refused',
            target: { type: 'tier_change_request', id: requestId },
            useCaseId: id,
            data: { requestId: refused.id, status: 'refused', proposedBy: refused.proposedBy },
            reason: comment,
          });
          return { outcome: 'pending', request: toView(refused) };
        }
        assertAllowed(checkTierConfirmation(principal, parties, { proposedBy: request.proposedBy, fromTier: request.fromTier }, useCase.tier));
        const confirmed = await this.close(tx, requestId, 'confirmed', principal.userId, comment);
        const override = confirmed.tier ? { tier: confirmed.tier, justification: confirmed.justification } : null;
        const changed = await this.applyOverride(tx, principal, id, override, { requestId: confirmed.id, proposedBy: confirmed.proposedBy, confirmedBy: confirmed.decidedBy! });
        return { outcome: 'applied', useCase: changed };
      }),
    );
  }

  async requests(principal: Principal, id: string): Promise<TierChangeRequestView[]> {
    await this.useCases.get(principal, id);
    const requests = await this.requestRows.find({ where: { useCaseId: id }, order: { proposedAt: 'ASC', id: 'ASC' } });
    return requests.map(toView);
  }

  private applyOverride(tx: EntityManager, principal: Principal, id: string, input: { tier: Tier; justification: string } | null, data: Extract<ContentEvent, { action: 'use_case.tier_overridden' }>['data']) {
    const summary = input ? `tier overridden to ${input.tier}` : 'tier override removed';
    return this.useCases.change(
      principal,
      id,
      summary,
      (content) => ({ ...content, tierOverride: input ? { tier: input.tier, justification: input.justification } : null }),
      { access: 'read', action: 'use_case.tier_overridden', data, reason: input?.justification },
      tx,
    );
  }

  private async supersedePending(tx: EntityManager, useCaseId: string, why: string) {
    const requests = tx.getRepository(TierChangeRequest);
    const pending = await requests
      .createQueryBuilder('r')
      .select('r.id')
      .where('r.useCaseId = :useCaseId AND r.status = :status', { useCaseId, status: 'pending' })
      .setLock('pessimistic_write')
      .getMany();
    for (const { id } of pending) {
      const result = await tx
        .createQueryBuilder()
        .update(TierChangeRequest)
        .set({ status: 'superseded', decidedAt: () => 'now()', comment: why })
        .where('id = :id', { id })
        .returning(['id', 'status', 'comment'])
        .execute();
      const [superseded] = rowsToEntities(tx, TierChangeRequest, result.raw);
      await this.trail.record(tx, {
        action: 'use_case.tier_change_refused',
        target: { type: 'tier_change_request', id: superseded.id },
        useCaseId,
        data: { requestId: superseded.id, status: 'superseded' },
        reason: superseded.comment,
      });
    }
  }

  /** Records the decision on the request and returns the request as it now stands. */
  private async close(tx: EntityManager, requestId: string, status: 'confirmed' | 'refused', deciderId: string, comment?: string): Promise<TierChangeRequest> {
    const result = await tx
      .createQueryBuilder()
      .update(TierChangeRequest)
      .set({ status, decidedBy: deciderId, decidedAt: () => 'now()', comment: comment ?? null })
      .where('id = :requestId', { requestId })
      .returning('*')
      .execute();
    const [closed] = rowsToEntities(tx, TierChangeRequest, result.raw);
    return closed;
  }
}

function assertAllowed(verdict: OverrideVerdict): void {
  if (!verdict.allowed) throw new TierDecisionRefused(verdict.status, verdict.code, verdict.reason);
}

function toView(request: TierChangeRequest): TierChangeRequestView {
  return {
    id: request.id,
    useCaseId: request.useCaseId,
    tier: request.tier,
    justification: request.justification,
    fromTier: request.fromTier,
    toTier: request.toTier,
    proposedBy: request.proposedBy,
    proposedAt: request.proposedAt.toISOString(),
    status: request.status,
    decidedBy: request.decidedBy,
    decidedAt: request.decidedAt?.toISOString() ?? null,
    comment: request.comment,
  };
}
