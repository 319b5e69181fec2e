import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditTrail, DeniedAttempts } from '@app/audit';
import { Principal, toAuditActor } from '@app/auth';
import { NotFoundError, RuleRefusal } from '@app/errors';
import { Tier } from '../gate-reviews/lifecycle';
import { TierOverrideDto } from './dto/checklist.dto';
import { checkTierConfirmation, checkTierDecider, needsSecondPerson, OverrideVerdict, tierAfterOverride } from './tier-override.policy';
import { UseCaseView } from './use-case.view';
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
  status: 'pending' | 'confirmed' | 'refused' | 'superseded';
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
}

export type TierDecisionOutcome = { outcome: 'applied'; useCase: UseCaseView } | { outcome: 'pending'; request: TierChangeRequestView };

interface RequestRow {
  id: string;
  use_case_id: string;
  tier: Tier | null;
  justification: string;
  from_tier: Tier;
  to_tier: Tier;
  proposed_by: string;
  proposed_at: Date;
  status: TierChangeRequestView['status'];
  decided_by: string | null;
  decided_at: Date | null;
  comment: string | null;
}

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
    private readonly useCases: UseCasesService,
    private readonly trail: AuditTrail,
    private readonly denials: DeniedAttempts,
  ) {}

  /** `input` null removes the override (the derived tier applies again). */
  override(principal: Principal, id: string, input: TierOverrideDto | null): Promise<TierDecisionOutcome> {
    const actor = toAuditActor(principal);
    const attempt = { actor, attempted: 'use_case.tier_overridden', target: { type: 'use_case', id }, useCaseId: id };
    return this.denials.watch(attempt, () =>
      this.dataSource.transaction(async (tx) => {
        const row = await this.useCases.lockForChange(tx, principal, id, 'read');
        assertAllowed(checkTierDecider(principal, await this.useCases.parties(tx, row)));
        const requested = input?.tier ?? null;
        const next = tierAfterOverride(row.derived_tier, requested);
        await this.supersedePending(tx, actor, id, 'a newer tier decision replaced it');
        if (needsSecondPerson(row.tier, next)) {
          const [created]: RequestRow[] = await tx.query(
            `INSERT INTO tier_change_requests (use_case_id, tier, justification, from_tier, to_tier, proposed_by)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
            [id, requested, input?.justification ?? 'remove the tier override', row.tier, next, principal.userId],
          );
          await this.trail.record(tx, {
            action: 'use_case.tier_change_proposed',
            target: { type: 'tier_change_request', id: created.id },
            useCaseId: id,
            before: { tier: row.tier },
            after: { tier: next },
            data: { requestId: created.id, override: requested },
            reason: created.justification,
            actor,
          });
          return { outcome: 'pending', request: toView(created) };
        }
        const useCase = await this.applyOverride(tx, principal, id, input, {});
        return { outcome: 'applied', useCase };
      }),
    );
  }

  /** The second person's answer to a proposed lowering: confirm (it takes effect) or refuse. */
  decide(principal: Principal, id: string, requestId: string, decision: 'confirm' | 'refuse', comment?: string): Promise<TierDecisionOutcome> {
    const actor = toAuditActor(principal);
    const attempt = { actor, attempted: TIER_CHANGE_DECISION, target: { type: 'tier_change_request', id: requestId }, useCaseId: id };
    return this.denials.watch(attempt, () =>
      this.dataSource.transaction(async (tx) => {
        const row = await this.useCases.lockForChange(tx, principal, id, 'read');
        const [request]: RequestRow[] = await tx.query('SELECT * FROM tier_change_requests WHERE id = $1 AND use_case_id = $2 FOR UPDATE', [requestId, id]);
        if (!request) throw new NotFoundError(`No tier change request ${requestId} on this use case.`);
        if (request.status !== 'pending') throw new RuleRefusal(409, 'tier-change-closed', `The request is ${request.status}; it takes no more decisions.`);
        const parties = await this.useCases.parties(tx, row);
        if (decision === 'refuse') {
          assertAllowed(checkTierDecider(principal, parties));
          const refused = await this.close(tx, requestId, 'refused', principal.userId, comment);
          await this.trail.record(tx, {
            action: 'use_case.tier_change_refused',
            target: { type: 'tier_change_request', id: requestId },
            useCaseId: id,
            data: { requestId, status: 'refused', proposedBy: request.proposed_by },
            reason: comment,
            actor,
          });
          return { outcome: 'pending', request: toView(refused) };
        }
        assertAllowed(checkTierConfirmation(principal, parties, { proposedBy: request.proposed_by, fromTier: request.from_tier }, row.tier));
        await this.close(tx, requestId, 'confirmed', principal.userId, comment);
        const override = request.tier ? { tier: request.tier, justification: request.justification } : null;
        const useCase = await this.applyOverride(tx, principal, id, override, { requestId, proposedBy: request.proposed_by, confirmedBy: principal.userId });
        return { outcome: 'applied', useCase };
      }),
    );
  }

  async requests(principal: Principal, id: string): Promise<TierChangeRequestView[]> {
    await this.useCases.get(principal, id);
    const rows: RequestRow[] = await this.dataSource.query('SELECT * FROM tier_change_requests WHERE use_case_id = $1 ORDER BY proposed_at, id', [id]);
    return rows.map(toView);
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

  private async supersedePending(tx: EntityManager, actor: AuditActor, useCaseId: string, why: string) {
    const pending: { id: string }[] = await tx.query(`SELECT id FROM tier_change_requests WHERE use_case_id = $1 AND status = 'pending' FOR UPDATE`, [useCaseId]);
    for (const { id } of pending) {
      await tx.query(`UPDATE tier_change_requests SET status = 'superseded', decided_at = now(), comment = $2 WHERE id = $1`, [id, why]);
      await this.trail.record(tx, {
        action: 'use_case.tier_change_refused',
        target: { type: 'tier_change_request', id },
        useCaseId,
        data: { requestId: id, status: 'superseded' },
        reason: why,
        actor,
      });
    }
  }

  private async close(tx: EntityManager, requestId: string, status: 'confirmed' | 'refused', deciderId: string, comment?: string): Promise<RequestRow> {
    await tx.query(`UPDATE tier_change_requests SET status = $2, decided_by = $3, decided_at = now(), comment = $4 WHERE id = $1`, [
      requestId,
      status,
      deciderId,
      comment ?? null,
    ]);
    const [closed]: RequestRow[] = await tx.query('SELECT * FROM tier_change_requests WHERE id = $1', [requestId]);
    return closed;
  }
}

function assertAllowed(verdict: OverrideVerdict): void {
  if (!verdict.allowed) throw new RuleRefusal(verdict.status, verdict.code, verdict.reason, 'Tier decision refused');
}

function toView(row: RequestRow): TierChangeRequestView {
  return {
    id: row.id,
    useCaseId: row.use_case_id,
    tier: row.tier,
    justification: row.justification,
    fromTier: row.from_tier,
    toTier: row.to_tier,
    proposedBy: row.proposed_by,
    proposedAt: row.proposed_at.toISOString(),
    status: row.status,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at?.toISOString() ?? null,
    comment: row.comment,
  };
}
