import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditTrail, DeniedAttempts } from '@app/audit';
import { Principal } from '@app/auth';
import { rowsToEntities } from '@app/database';
import { NotFoundError, RuleRefusal, ValidationFailedError } from '@app/errors';
import { GatePoliciesService } from '../gate-policies/gate-policies.service';
import { assertUseCaseAccess, canReadUseCase } from '../use-cases/use-case-access';
import { UseCaseGates } from '../use-cases/use-case-gates.service';
import type { UseCase } from '../use-cases/use-case.entity';
import { useCaseView } from '../use-cases/use-case.view';
import { UseCasesService } from '../use-cases/use-cases.service';
import { ConditionDto, OpenReviewDto, RollbackDto, SignOffDto } from './dto/gate-review.dto';
import { GateReview } from './gate-review.entity';
import { unmetRequirements } from './gate-requirements.policy';
import { ReviewAlreadyOpenError, RollbackDuringReviewError, RollbackRoleNotHeld } from './gate-reviews.errors';
import { GateReviewsRepository } from './gate-reviews.repository';
import { GatedTier, Stage } from './lifecycle';
import { ObligationsService } from './obligations.service';
import { OneAtATime } from './one-at-a-time';
import { reviewOpeningErrors } from './review-opening.policy';
import { ReviewNotices } from './review-notices';
import { ReviewQueries, toDecision, toState } from './review-queries.service';
import { mayDecideRollback, rollbackDeciders, rollbackTargetError } from './rollback.policy';
import { SignOff } from './sign-off.entity';
import { checkSignOff, evaluateReview, stageAfter } from './sign-off.policy';

/** How long a decision waits for the ones before it on the same review before it is answered 503. */
const DECISION_QUEUE_WAIT_MS = 20_000;

/**
 * The decision flow of gate reviews: open, sign off, pass (retirement is the
 * gate into `retired`), close, and roll back. Every step locks the use case,
 * then the review, so decisions on one use case are taken one at a time: a
 * gate passes exactly once, in the transaction of the decision that completes
 * its quorums, and the stage changes in that same transaction.
 */
@Injectable()
export class ReviewDecisions {
  private readonly decisionsPerReview = new OneAtATime(DECISION_QUEUE_WAIT_MS);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly trail: AuditTrail,
    private readonly policies: GatePoliciesService,
    private readonly useCases: UseCasesService,
    private readonly useCaseGates: UseCaseGates,
    private readonly denials: DeniedAttempts,
    private readonly repository: GateReviewsRepository,
    private readonly queries: ReviewQueries,
    private readonly obligations: ObligationsService,
    private readonly notices: ReviewNotices,
  ) {}

  async open(principal: Principal, useCaseId: string, input: OpenReviewDto) {
    return this.dataSource.transaction(async (tx) => {
      const useCase = await this.useCases.lockUseCaseForChange(tx, principal, useCaseId);
      const refused = reviewOpeningErrors(useCase, input);
      if (refused.length) throw new ValidationFailedError(refused);
      const open = await tx.getRepository(GateReview).findOne({ select: { id: true }, where: { useCaseId, status: 'open' } });
      if (open) throw new ReviewAlreadyOpenError(open.id);

      const policy = await this.policies.current(tx);
      const tier = useCase.tier as GatedTier;
      const requirements = policy.document.gates[input.gate][tier];
      const missing = unmetRequirements(requirements, useCase.content, await this.queries.gateFacts(tx, useCase, requirements), input.gate);
      if (missing.length) throw new ValidationFailedError(missing);

      const slots = requirements.signOffs.map(({ role, quorum }) => ({ role, quorum }));
      const inserted = await tx.getRepository(GateReview).insert({
        useCaseId,
        gate: input.gate,
        fromStage: useCase.stage,
        toStage: stageAfter(input.gate, useCase.stage),
        tier,
        policyVersion: policy.version,
        slots,
        openedRevision: useCase.revision,
        revision: useCase.revision,
        contentHash: useCase.contentHash,
        openedBy: principal.userId,
      });
      const id: string = inserted.identifiers[0].id;
      await this.useCaseGates.markInReview(tx, useCaseId);
      await this.trail.record(tx, {
        action: 'gate_review.opened',
        target: { type: 'gate_review', id },
        useCaseId,
        data: { gate: input.gate, tier, policyVersion: policy.version, revision: useCase.revision, contentHash: useCase.contentHash, slots },
        reason: input.reason,
      });
      const review = { id, gate: input.gate, fromStage: useCase.stage, toStage: stageAfter(input.gate, useCase.stage), tier, revision: useCase.revision, openedBy: principal.userId, contentHash: useCase.contentHash, slots, status: 'open' as const };
      await this.notices.askForSignOffs(tx, {
        review,
        useCase: noticeUseCase(useCase),
        parties: await this.useCases.partiesOfUseCase(tx, useCase),
        current: [],
        roles: slots.map((slot) => slot.role),
        again: false,
      });
      return this.queries.view(tx, id, useCase);
    });
  }

  /**
   * One decision. Every rule is checked here, against the use case as it is
   * now (its tier, its content, its people), and again at the moment the gate
   * would pass: the review's earlier state never stands in for the present.
   */
  signOff(principal: Principal, reviewId: string, input: SignOffDto) {
    const attempt = { attempted: 'sign_off.recorded', target: { type: 'gate_review', id: reviewId } };
    return this.decisionsPerReview.run(reviewId.toLowerCase(), () =>
      this.denials.watch(attempt, () => this.dataSource.transaction((tx) => this.decide(tx, principal, reviewId, input))),
    );
  }

  private async decide(tx: EntityManager, principal: Principal, reviewId: string, input: SignOffDto) {
    // Use case first, then review: the same order as content changes, so they never deadlock.
    const useCase = await this.useCases.lockUseCaseOfReview(tx, reviewId);
    if (!useCase || !canReadUseCase(principal, useCase)) throw new NotFoundError(`No gate review with id ${reviewId}.`);
    // Found through its use case a moment ago, under the use case's lock: it is there.
    const review = (await this.repository.lockReview(tx, reviewId))!;
    const parties = await this.useCases.partiesOfUseCase(tx, useCase);
    const current = (await this.repository.currentDecisions(tx, [reviewId])).get(reviewId)!;
    const requirements = useCase.tier === 'prohibited' ? undefined : await this.queries.requirementsAt(review, useCase.tier, tx);
    const slots = requirements?.signOffs.map(({ role, quorum }) => ({ role, quorum })) ?? review.slots;

    const verdict = checkSignOff({
      signer: principal,
      role: input.role,
      revision: input.revision,
      review: { ...toState(review), slots },
      parties,
      current: current.map(toDecision),
      tier: useCase.tier,
    });
    if (!verdict.allowed) throw new RuleRefusal(verdict.status, verdict.code, verdict.reason, 'Sign-off refused');

    const conditions = input.decision === 'approve' ? (input.conditions ?? []) : [];
    await this.assertConditionOwners(tx, conditions, useCase);
    const previous = current.find((decision) => decision.signerId === principal.userId);
    const recorded = await this.repository.insertSignOff(tx, {
      reviewId,
      signerId: principal.userId,
      role: input.role,
      decision: input.decision,
      comment: input.comment,
      conditions,
      revision: review.revision,
      contentHash: review.contentHash,
      supersedes: previous?.id ?? null,
    });
    await this.trail.record(tx, {
      action: 'sign_off.recorded',
      target: { type: 'sign_off', id: recorded.id },
      useCaseId: useCase.id,
      // What the database stored, not what the request said: the hash covers the stored form.
      data: { reviewId, gate: review.gate, role: recorded.role, decision: recorded.decision, revision: review.revision, contentHash: review.contentHash, conditions: recorded.conditions, supersedes: previous?.id ?? null },
      reason: recorded.comment,
    });
    if (previous) {
      await this.trail.record(tx, {
        action: 'sign_off.superseded',
        target: { type: 'sign_off', id: previous.id },
        useCaseId: useCase.id,
        data: { reviewId, supersededBy: recorded.id, previousDecision: previous.decision },
      });
    }

    // The new decision takes the place of the signer's previous one.
    const decisions = [...current.filter((decision) => decision.signerId !== principal.userId), recorded];
    const outcome = evaluateReview({ slots, contentHash: review.contentHash }, decisions.map(toDecision));
    // Quorum alone does not pass a gate: what the tier asks for — evidence, checklist, an approved and
    // current impact assessment, accepted risks — must be there now, not only when the review opened.
    const stillOpen = outcome.status === 'passed' || outcome.status === 'open';
    const gaps = stillOpen && requirements ? unmetRequirements(requirements, useCase.content, await this.queries.gateFacts(tx, useCase, requirements), review.gate) : [];
    let after = review;
    if (outcome.status === 'passed' && gaps.length === 0) after = await this.pass(tx, review, useCase, decisions);
    if (outcome.status === 'rejected' || outcome.status === 'changes_requested') after = await this.close(tx, review, outcome.status);
    await this.notices.tellTeam(tx, {
      review: after,
      useCase: noticeUseCase(useCase),
      signOff: { id: recorded.id, signerId: principal.userId, signerName: principal.displayName, role: recorded.role, decision: recorded.decision, comment: recorded.comment },
      outcome: after.status === 'superseded' ? 'open' : after.status,
    });
    return this.queries.decisionAnswer(after, recorded, outcome, gaps);
  }

  /** An obligation's owner is a real, active person who may read the use case; nothing else would survive the pass. */
  private async assertConditionOwners(tx: EntityManager, conditions: ConditionDto[], useCase: UseCase) {
    const ownerIds = [...new Set(conditions.map((c) => c.ownerId).filter((id): id is string => Boolean(id)))];
    const readers = await this.useCases.readersAmong(tx, ownerIds, useCase);
    const errors = conditions.flatMap((condition, index) =>
      condition.ownerId && !readers.has(condition.ownerId)
        ? [{ field: `conditions.${index}.ownerId`, detail: 'ownerId must name an active person who may read this use case' }]
        : [],
    );
    if (errors.length) throw new ValidationFailedError(errors);
  }

  /** Sends a use case back to an earlier stage (drift, an incident): a recorded decision, by someone the policy names for its gate. */
  async rollback(principal: Principal, useCaseId: string, input: RollbackDto) {
    const attempt = { attempted: 'use_case.rolled_back', target: { type: 'use_case', id: useCaseId }, useCaseId };
    return this.denials.watch(attempt, () => this.dataSource.transaction(async (tx) => {
      const useCase = await this.useCases.findUseCase(tx, useCaseId, true);
      assertUseCaseAccess(principal, useCase, 'read');
      const wrongTarget = rollbackTargetError(useCase.stage, input.toStage);
      if (wrongTarget) throw new ValidationFailedError([{ field: 'toStage', detail: wrongTarget }]);
      const policy = await this.policies.current(tx);
      const deciders = rollbackDeciders(policy.document, useCase.stage as Exclude<Stage, 'retired'>, useCase.tier);
      if (!mayDecideRollback(principal, deciders, await this.useCases.partiesOfUseCase(tx, useCase))) throw new RollbackRoleNotHeld(useCase.stage, deciders);
      const open = await tx.getRepository(GateReview).findOne({ select: { id: true }, where: { useCaseId, status: 'open' } });
      if (open) throw new RollbackDuringReviewError(open.id);
      await this.useCaseGates.rollBackTo(tx, useCaseId, input.toStage);
      await this.trail.record(tx, {
        action: 'use_case.rolled_back',
        target: { type: 'use_case', id: useCaseId },
        useCaseId,
        before: { stage: useCase.stage },
        after: { stage: input.toStage },
        reason: input.reason,
      });
      // Read inside the transaction: the answer shows the stage this rollback set.
      return useCaseView(await this.useCases.findUseCase(tx, useCaseId));
    }));
  }

  private async pass(tx: EntityManager, review: GateReview, useCase: UseCase, decisions: SignOff[]): Promise<GateReview> {
    const reviewPolicy = await this.policies.get(review.policyVersion, tx);
    const interval = reviewPolicy.document.gates.operate_review[review.tier].reviewIntervalMonths ?? 12;
    const retiring = review.toStage === 'retired';
    const passed = await this.repository.close(tx, review.id, 'passed');
    await this.useCaseGates.enterStage(tx, useCase.id, review.toStage, interval);
    const obligations = await this.obligations.createFromApprovals(tx, review, decisions);
    await this.trail.record(tx, {
      action: retiring ? 'use_case.retired' : 'gate_review.passed',
      target: { type: 'gate_review', id: review.id },
      useCaseId: useCase.id,
      before: { stage: useCase.stage },
      after: { stage: review.toStage },
      data: { gate: review.gate, revision: review.revision, contentHash: review.contentHash, policyVersion: review.policyVersion, approvals: decisions.filter((d) => d.decision === 'approve').map((d) => ({ signOffId: d.id, signerId: d.signerId, role: d.role })), obligations },
    });
    return passed;
  }

  private async close(tx: EntityManager, review: GateReview, status: 'rejected' | 'changes_requested'): Promise<GateReview> {
    const closed = await this.repository.close(tx, review.id, status);
    await this.useCaseGates.markActive(tx, review.useCaseId);
    await this.trail.record(tx, {
      action: status === 'rejected' ? 'gate_review.rejected' : 'gate_review.changes_requested',
      target: { type: 'gate_review', id: review.id },
      useCaseId: review.useCaseId,
      data: { gate: review.gate, revision: review.revision },
    });
    return closed;
  }
}

/** The use case as a notice names it. */
function noticeUseCase(useCase: UseCase) {
  return { id: useCase.id, title: useCase.content.title, developerTeamId: useCase.developerTeamId, deployerTeamId: useCase.deployerTeamId };
}
