import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditTrail, DeniedAttempts } from '@app/audit';
import { Principal, toAuditActor } from '@app/auth';
import { ConflictError, ForbiddenError, NotFoundError, RuleRefusal, ValidationFailedError } from '@app/errors';
import { GatePoliciesService } from '../gate-policies/gate-policies.service';
import { assertUseCaseAccess, canReadUseCase, visibleUseCasesSql } from '../use-cases/use-case-access';
import { asTeamOwned, toUseCaseView, UseCaseRow } from '../use-cases/use-case.view';
import { UseCasesService } from '../use-cases/use-cases.service';
import { ConditionDto, OpenReviewDto, RollbackDto, SignOffDto } from './dto/gate-review.dto';
import { unmetRequirements } from './gate-requirements.policy';
import { ReviewRow, SignOffRow } from './gate-review.rows';
import { GateReviewsRepository } from './gate-reviews.repository';
import { GatedTier, STAGES, Stage } from './lifecycle';
import { OneAtATime } from './one-at-a-time';
import { checkSignOff, evaluateReview, FORWARD_GATES, gatesOpenFrom, holdsSignOffRole, RecordedDecision, ReviewState, stageAfter } from './sign-off.policy';

/** How long a decision waits for the ones before it on the same review before it is answered 503. */
const DECISION_QUEUE_WAIT_MS = 20_000;

/**
 * The approval engine. Every step locks the use case, then the review, so
 * decisions on one use case are taken one at a time: a gate passes exactly
 * once, in the transaction of the decision that completes its quorums, and
 * the stage changes in that same transaction.
 */
@Injectable()
export class GateReviewsService {
  private readonly decisionsPerReview = new OneAtATime(DECISION_QUEUE_WAIT_MS);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly trail: AuditTrail,
    private readonly policies: GatePoliciesService,
    private readonly useCases: UseCasesService,
    private readonly denials: DeniedAttempts,
    private readonly repository: GateReviewsRepository,
  ) {}

  async open(principal: Principal, useCaseId: string, input: OpenReviewDto) {
    return this.dataSource.transaction(async (tx) => {
      const useCase = await this.useCases.lockForChange(tx, principal, useCaseId);
      if (useCase.tier === 'prohibited') {
        throw new ValidationFailedError([{ field: 'gate', detail: 'a prohibited use case cannot pass any gate' }]);
      }
      if (!gatesOpenFrom(useCase.stage).includes(input.gate)) {
        throw new ValidationFailedError([{ field: 'gate', detail: `from ${useCase.stage} the gates are ${gatesOpenFrom(useCase.stage).join(' and ')}` }]);
      }
      if (input.gate === 'retire' && !input.reason) throw new ValidationFailedError([{ field: 'reason', detail: 'a retirement needs a reason' }]);
      const [open] = await tx.query(`SELECT id FROM gate_reviews WHERE use_case_id = $1 AND status = 'open'`, [useCaseId]);
      if (open) throw new ConflictError(`Review ${open.id} is already open for this use case.`);

      const policy = await this.policies.current(tx);
      const tier = useCase.tier as GatedTier;
      const requirements = policy.document.gates[input.gate][tier];
      const missing = unmetRequirements(requirements, useCase.content);
      if (missing.length) throw new ValidationFailedError(missing);

      const slots = requirements.signOffs.map(({ role, quorum }) => ({ role, quorum }));
      const [{ id }] = await tx.query(
        `INSERT INTO gate_reviews (use_case_id, gate, from_stage, to_stage, tier, policy_version, slots, opened_revision, revision, content_hash, opened_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10) RETURNING id`,
        [useCaseId, input.gate, useCase.stage, stageAfter(input.gate, useCase.stage), tier, policy.version, JSON.stringify(slots), useCase.revision, useCase.content_hash, principal.userId],
      );
      await tx.query(`UPDATE use_cases SET status = 'in_review' WHERE id = $1`, [useCaseId]);
      await this.trail.record(tx, {
        action: 'gate_review.opened',
        target: { type: 'gate_review', id },
        useCaseId,
        data: { gate: input.gate, tier, policyVersion: policy.version, revision: useCase.revision, contentHash: useCase.content_hash, slots },
        reason: input.reason,
        actor: toAuditActor(principal),
      });
      return this.view(tx, id);
    });
  }

  /**
   * One decision. Every rule is checked here, against the use case as it is
   * now (its tier, its content, its people), and again at the moment the gate
   * would pass: the review's earlier state never stands in for the present.
   */
  signOff(principal: Principal, reviewId: string, input: SignOffDto) {
    const attempt = { actor: toAuditActor(principal), attempted: 'sign_off.recorded', target: { type: 'gate_review', id: reviewId } };
    return this.decisionsPerReview.run(reviewId.toLowerCase(), () =>
      this.denials.watch(attempt, () => this.dataSource.transaction((tx) => this.decide(tx, principal, reviewId, input))),
    );
  }

  private async decide(tx: EntityManager, principal: Principal, reviewId: string, input: SignOffDto) {
    const [found] = await tx.query('SELECT use_case_id FROM gate_reviews WHERE id = $1', [reviewId]);
    if (!found) throw new NotFoundError(`No gate review with id ${reviewId}.`);
    // Use case first, then review: the same order as content changes, so they never deadlock.
    const useCase = await this.useCases.lockedRow(tx, found.use_case_id);
    if (!canReadUseCase(principal, asTeamOwned(useCase))) throw new NotFoundError(`No gate review with id ${reviewId}.`);
    const [review]: ReviewRow[] = await tx.query('SELECT * FROM gate_reviews WHERE id = $1 FOR UPDATE', [reviewId]);
    const parties = await this.useCases.parties(tx, useCase);
    const current = await this.currentDecisions(tx, reviewId);
    const requirements = useCase.tier === 'prohibited' ? undefined : await this.requirementsNow(review, useCase.tier, tx);
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
    const previous = current.find((decision) => decision.signer_id === principal.userId);
    const [recorded]: SignOffRow[] = await tx.query(
      `INSERT INTO sign_offs (review_id, signer_id, role, decision, comment, conditions, revision, content_hash, supersedes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [reviewId, principal.userId, input.role, input.decision, input.comment, JSON.stringify(conditions), review.revision, review.content_hash, previous?.id ?? null],
    );
    const signOffId = recorded.id;
    const actor = toAuditActor(principal);
    await this.trail.record(tx, {
      action: 'sign_off.recorded',
      target: { type: 'sign_off', id: signOffId },
      useCaseId: useCase.id,
      // What the database stored, not what the request said: the hash covers the stored form.
      data: { reviewId, gate: review.gate, role: recorded.role, decision: recorded.decision, revision: review.revision, contentHash: review.content_hash, conditions: recorded.conditions, supersedes: previous?.id ?? null },
      reason: recorded.comment,
      actor,
    });
    if (previous) {
      await this.trail.record(tx, {
        action: 'sign_off.superseded',
        target: { type: 'sign_off', id: previous.id },
        useCaseId: useCase.id,
        data: { reviewId, supersededBy: signOffId, previousDecision: previous.decision },
        actor,
      });
    }

    // The new decision takes the place of the signer's previous one.
    const decisions = [...current.filter((decision) => decision.signer_id !== principal.userId), recorded];
    const outcome = evaluateReview({ slots, contentHash: review.content_hash }, decisions.map(toDecision));
    // Quorum alone does not pass a gate: the evidence and checklist the tier asks for must be there now.
    const gaps = requirements ? unmetRequirements(requirements, useCase.content) : [];
    if (outcome.status === 'passed' && gaps.length === 0) await this.pass(tx, review, useCase, decisions, actor);
    if (outcome.status === 'rejected' || outcome.status === 'changes_requested') await this.close(tx, review, outcome.status, actor);
    return this.view(tx, reviewId);
  }

  /** The requirements of the review's gate for the use case's tier now, under the policy version the review is pinned to. */
  private async requirementsNow(review: ReviewRow, tier: GatedTier, manager?: EntityManager) {
    const policy = await this.policies.get(review.policy_version, manager);
    return policy.document.gates[review.gate][tier];
  }

  /** An obligation's owner is a real, active person who may read the use case; nothing else would survive the pass. */
  private async assertConditionOwners(tx: EntityManager, conditions: ConditionDto[], useCase: UseCaseRow) {
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
    const attempt = { actor: toAuditActor(principal), attempted: 'use_case.rolled_back', target: { type: 'use_case', id: useCaseId }, useCaseId };
    return this.denials.watch(attempt, () => this.dataSource.transaction(async (tx) => {
      const useCase = await this.useCases.lockedRow(tx, useCaseId);
      assertUseCaseAccess(principal, asTeamOwned(useCase), 'read');
      if (useCase.stage === 'retired' || STAGES.indexOf(input.toStage) >= STAGES.indexOf(useCase.stage) || input.toStage === 'retired') {
        throw new ValidationFailedError([{ field: 'toStage', detail: `a use case in ${useCase.stage} goes back to an earlier stage` }]);
      }
      const policy = await this.policies.current(tx);
      const tier = (useCase.tier === 'prohibited' ? 'high' : useCase.tier) as GatedTier;
      const named = policy.document.gates[FORWARD_GATES[useCase.stage as Exclude<Stage, 'retired'>].gate][tier].signOffs.map((s) => s.role);
      const parties = await this.useCases.parties(tx, useCase);
      if (principal.kind !== 'user' || !named.some((role) => holdsSignOffRole(principal, role, parties))) {
        throw new ForbiddenError(`A rollback from ${useCase.stage} is decided by a ${named.join(', ')} of this use case.`);
      }
      const [open] = await tx.query(`SELECT id FROM gate_reviews WHERE use_case_id = $1 AND status = 'open'`, [useCaseId]);
      if (open) throw new ConflictError(`Review ${open.id} is open: finish it before rolling back.`);
      await tx.query(`UPDATE use_cases SET stage = $2, next_review_due = NULL, rereview_reason = NULL, updated_at = now() WHERE id = $1`, [useCaseId, input.toStage]);
      await this.trail.record(tx, {
        action: 'use_case.rolled_back',
        target: { type: 'use_case', id: useCaseId },
        useCaseId,
        before: { stage: useCase.stage },
        after: { stage: input.toStage },
        reason: input.reason,
        actor: toAuditActor(principal),
      });
      // Read inside the transaction: the answer shows the stage this rollback set.
      return toUseCaseView(await this.useCases.findRow(tx, useCaseId));
    }));
  }

  async listForUseCase(principal: Principal, useCaseId: string) {
    await this.useCases.get(principal, useCaseId);
    const rows: { id: string }[] = await this.dataSource.query('SELECT id FROM gate_reviews WHERE use_case_id = $1 ORDER BY opened_at', [useCaseId]);
    return Promise.all(rows.map((row) => this.view(this.dataSource.manager, row.id)));
  }

  async get(principal: Principal, reviewId: string) {
    const [found] = await this.dataSource.query('SELECT use_case_id FROM gate_reviews WHERE id = $1', [reviewId]);
    if (!found) throw new NotFoundError(`No gate review with id ${reviewId}.`);
    const useCase = await this.useCases.findRow(this.dataSource.manager, found.use_case_id);
    if (!canReadUseCase(principal, asTeamOwned(useCase))) throw new NotFoundError(`No gate review with id ${reviewId}.`);
    return this.view(this.dataSource.manager, reviewId);
  }

  /** The reviews waiting for my decision in a role I hold, oldest first. */
  async inbox(principal: Principal) {
    // Sign-offs are made by people: nothing waits for an API key.
    if (principal.kind !== 'user') return [];
    // Three queries whatever the number of open reviews: the candidates, then their decisions and their use cases' parties.
    const candidates = await this.repository.inboxCandidates(principal);
    if (!candidates.length) return [];
    const [decisions, partiesByUseCase] = await Promise.all([
      this.repository.currentDecisions(candidates.map((review) => review.id)),
      this.useCases.partiesOf(this.dataSource.manager, candidates.map((review) => ({ ...review, id: review.use_case_id }))),
    ]);
    const waiting = [];
    for (const review of candidates) {
      const parties = partiesByUseCase.get(review.use_case_id)!;
      const current = decisions.get(review.id)!.map(toDecision);
      const outcome = evaluateReview({ slots: review.slots, contentHash: review.content_hash }, current);
      const missingRoles = outcome.status === 'open' ? outcome.missing.map((slot) => slot.role) : [];
      const roles = missingRoles.filter((role) => {
        const mine = current.find((d) => d.signerId === principal.userId && d.role === role);
        if (mine && mine.contentHash === review.content_hash) return false;
        return checkSignOff({ signer: principal, role, revision: review.revision, review: toState(review), parties, current, tier: review.tier }).allowed;
      });
      if (roles.length) waiting.push({ reviewId: review.id, useCaseId: review.use_case_id, gate: review.gate, revision: review.revision, openedAt: review.opened_at.toISOString(), roles });
    }
    return waiting;
  }

  /**
   * Is the use case cleared for `stage` at `revision`? Yes when it stands at
   * that stage or beyond and the review that brought it there approved exactly
   * that revision's content.
   */
  async clearance(principal: Principal, useCaseId: string, stage: Stage, revision?: number) {
    const useCase = await this.useCases.get(principal, useCaseId);
    const asked = revision ?? useCase.revision;
    const answer = (cleared: boolean, reason: string) => ({ useCaseId, stage, revision: asked, cleared, reason, currentStage: useCase.stage, currentRevision: useCase.revision });
    if (STAGES.indexOf(useCase.stage) < STAGES.indexOf(stage)) return answer(false, `The use case is in ${useCase.stage}; it has not passed the gate into ${stage}.`);
    if (useCase.stage === 'retired' && stage !== 'retired') return answer(false, 'The use case is retired.');
    if (stage === 'design') return answer(true, 'Every use case may be designed.');
    const [[revisionRow], [passed]] = await Promise.all([
      this.dataSource.query('SELECT content_hash FROM use_case_revisions WHERE use_case_id = $1 AND revision = $2', [useCaseId, asked]),
      this.dataSource.query(`SELECT id, revision, content_hash FROM gate_reviews WHERE use_case_id = $1 AND status = 'passed' AND to_stage = $2 ORDER BY closed_at DESC LIMIT 1`, [useCaseId, stage]),
    ]);
    if (!revisionRow) return answer(false, `The use case has no revision ${asked}.`);
    if (!passed) return answer(false, `No passed gate review brought the use case into ${stage}.`);
    if (passed.content_hash !== revisionRow.content_hash) {
      return answer(false, `Gate review ${passed.id} approved revision ${passed.revision}; revision ${asked} has different content and has not been approved.`);
    }
    return answer(true, `Gate review ${passed.id} approved this content for ${stage}.`);
  }

  /** Operating use cases whose periodic review is due, or whose intended use changed. */
  async overdue(principal: Principal) {
    const params: unknown[] = [];
    const rows: UseCaseRow[] = await this.dataSource.query(
      `SELECT * FROM use_cases u WHERE u.stage = 'operate' AND (u.next_review_due <= current_date OR u.rereview_reason IS NOT NULL)
       AND ${visibleUseCasesSql(principal, 'u', params)} ORDER BY u.next_review_due NULLS FIRST`,
      params,
    );
    return rows.map((row) => {
      const extra = row as UseCaseRow & { next_review_due: Date | null; rereview_reason: string | null };
      return { useCaseId: row.id, title: row.content.title, tier: row.tier, nextReviewDue: extra.next_review_due, rereviewReason: extra.rereview_reason };
    });
  }

  async obligations(principal: Principal, useCaseId: string) {
    await this.useCases.get(principal, useCaseId);
    return this.dataSource.query(
      `SELECT id, review_id AS "reviewId", sign_off_id AS "signOffId", description, owner_id AS "ownerId", due_date::text AS "dueDate", status, closed_at AS "closedAt"
       FROM obligations WHERE use_case_id = $1 ORDER BY created_at`,
      [useCaseId],
    );
  }

  async updateObligation(principal: Principal, useCaseId: string, obligationId: string, status: 'open' | 'closed', note?: string) {
    return this.dataSource.transaction(async (tx) => {
      const useCase = await this.useCases.lockedRow(tx, useCaseId);
      assertUseCaseAccess(principal, asTeamOwned(useCase), 'write');
      const [obligation] = await tx.query('SELECT status FROM obligations WHERE id = $1 AND use_case_id = $2 FOR UPDATE', [obligationId, useCaseId]);
      if (!obligation) throw new NotFoundError(`No obligation ${obligationId} on this use case.`);
      if (obligation.status !== status) {
        await tx.query(`UPDATE obligations SET status = $2, closed_at = CASE WHEN $2 = 'closed' THEN now() END WHERE id = $1`, [obligationId, status]);
        await this.trail.record(tx, {
          action: 'obligation.updated',
          target: { type: 'obligation', id: obligationId },
          useCaseId,
          before: { status: obligation.status },
          after: { status },
          reason: note,
          actor: toAuditActor(principal),
        });
      }
      return (await this.obligations(principal, useCaseId)).find((o: { id: string }) => o.id === obligationId);
    });
  }

  private async pass(tx: EntityManager, review: ReviewRow, useCase: UseCaseRow, decisions: SignOffRow[], actor: ReturnType<typeof toAuditActor>) {
    const reviewPolicy = await this.policies.get(review.policy_version, tx);
    const interval = reviewPolicy.document.gates.operate_review[review.tier].reviewIntervalMonths ?? 12;
    const retiring = review.to_stage === 'retired';
    await tx.query(`UPDATE gate_reviews SET status = 'passed', closed_at = now() WHERE id = $1`, [review.id]);
    await tx.query(
      `UPDATE use_cases SET stage = $2, status = $3, updated_at = now(),
         next_review_due = CASE WHEN $2 = 'operate' THEN current_date + make_interval(months => $4) ELSE NULL END,
         rereview_reason = NULL
       WHERE id = $1`,
      [useCase.id, review.to_stage, retiring ? 'retired' : 'active', interval],
    );
    const obligations = decisions
      .filter((d) => d.decision === 'approve' && d.content_hash === review.content_hash)
      .flatMap((d) => d.conditions.map((condition) => ({ ...condition, signOffId: d.id })));
    for (const obligation of obligations) {
      await tx.query(
        `INSERT INTO obligations (use_case_id, review_id, sign_off_id, description, owner_id, due_date) VALUES ($1, $2, $3, $4, $5, $6)`,
        [useCase.id, review.id, obligation.signOffId, obligation.description, obligation.ownerId ?? null, obligation.dueDate ?? null],
      );
    }
    await this.trail.record(tx, {
      action: retiring ? 'use_case.retired' : 'gate_review.passed',
      target: { type: 'gate_review', id: review.id },
      useCaseId: useCase.id,
      before: { stage: useCase.stage },
      after: { stage: review.to_stage },
      data: { gate: review.gate, revision: review.revision, contentHash: review.content_hash, policyVersion: review.policy_version, approvals: decisions.filter((d) => d.decision === 'approve').map((d) => ({ signOffId: d.id, signerId: d.signer_id, role: d.role })), obligations: obligations.length },
      actor,
    });
  }

  private async close(tx: EntityManager, review: ReviewRow, status: 'rejected' | 'changes_requested', actor: ReturnType<typeof toAuditActor>) {
    await tx.query(`UPDATE gate_reviews SET status = $2, closed_at = now() WHERE id = $1`, [review.id, status]);
    await tx.query(`UPDATE use_cases SET status = 'active' WHERE id = $1`, [review.use_case_id]);
    await this.trail.record(tx, {
      action: status === 'rejected' ? 'gate_review.rejected' : 'gate_review.changes_requested',
      target: { type: 'gate_review', id: review.id },
      useCaseId: review.use_case_id,
      data: { gate: review.gate, revision: review.revision },
      actor,
    });
  }

  /** Each signer's latest decision on the review. */
  private currentDecisions(manager: EntityManager, reviewId: string): Promise<SignOffRow[]> {
    return manager.query(
      `SELECT DISTINCT ON (signer_id) * FROM sign_offs WHERE review_id = $1 ORDER BY signer_id, created_at DESC, id DESC`,
      [reviewId],
    );
  }

  private async view(manager: EntityManager, reviewId: string) {
    const [review]: ReviewRow[] = await manager.query('SELECT * FROM gate_reviews WHERE id = $1', [reviewId]);
    const history: SignOffRow[] = await manager.query('SELECT * FROM sign_offs WHERE review_id = $1 ORDER BY created_at, id', [reviewId]);
    const supersededIds = new Set(history.map((s) => s.supersedes).filter(Boolean));
    const current = history.filter((s) => !supersededIds.has(s.id));
    const outcome = evaluateReview({ slots: review.slots, contentHash: review.content_hash }, current.map(toDecision));
    const useCase = review.status === 'open' ? await this.useCases.findRow(manager, review.use_case_id) : undefined;
    const gaps = useCase && useCase.tier !== 'prohibited' ? unmetRequirements(await this.requirementsNow(review, useCase.tier, manager), useCase.content) : [];
    return {
      id: review.id,
      useCaseId: review.use_case_id,
      gate: review.gate,
      fromStage: review.from_stage,
      toStage: review.to_stage,
      tier: review.tier,
      policyVersion: review.policy_version,
      openedRevision: review.opened_revision,
      revision: review.revision,
      contentHash: review.content_hash,
      status: review.status,
      slots: review.slots,
      missing: review.status === 'open' && outcome.status === 'open' ? outcome.missing : [],
      /** Evidence and checklist answers the gate asks for at the current tier and the content lacks: the gate cannot pass until they are there. */
      unmetRequirements: gaps,
      openedBy: review.opened_by,
      openedAt: review.opened_at.toISOString(),
      closedAt: review.closed_at?.toISOString() ?? null,
      signOffs: history.map((s) => ({
        id: s.id,
        signerId: s.signer_id,
        role: s.role,
        decision: s.decision,
        comment: s.comment,
        conditions: s.conditions,
        revision: s.revision,
        contentHash: s.content_hash,
        createdAt: s.created_at.toISOString(),
        superseded: supersededIds.has(s.id),
        stale: s.content_hash !== review.content_hash,
      })),
    };
  }
}

function toState(review: ReviewRow): ReviewState {
  return { status: review.status, openedBy: review.opened_by, revision: review.revision, contentHash: review.content_hash, slots: review.slots };
}

function toDecision(row: SignOffRow): RecordedDecision {
  return { signerId: row.signer_id, role: row.role, decision: row.decision, contentHash: row.content_hash };
}
