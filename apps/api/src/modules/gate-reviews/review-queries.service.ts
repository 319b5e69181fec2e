import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '@app/auth';
import { NotFoundError } from '@app/errors';
import { decodeKeysetCursor, encodeKeysetCursor } from '../../http/keyset-cursor';
import type { GateRequirements } from '../gate-policies/gate-policy';
import { GatePoliciesService } from '../gate-policies/gate-policies.service';
import { AssessmentTemplatesService } from '../impact-assessments/assessment-templates.service';
import { ImpactAssessmentsService } from '../impact-assessments/impact-assessments.service';
import { asksForAcceptance, risksAwaitingAcceptance } from '../use-cases/risk-acceptance.policy';
import { acceptancesOf } from '../use-cases/risk-acceptances.repository';
import { canReadUseCase } from '../use-cases/use-case-access';
import type { UseCase } from '../use-cases/use-case.entity';
import { UseCaseGates } from '../use-cases/use-case-gates.service';
import { UseCasesService } from '../use-cases/use-cases.service';
import { clearanceByApproval, clearanceByStage, clearanceWithAssessment, gateInto } from './clearance.policy';
import { GateReview } from './gate-review.entity';
import { GateFacts, needsAssessment, RequirementGap, unmetRequirements } from './gate-requirements.policy';
import { GateReviewsRepository } from './gate-reviews.repository';
import { InboxQuery } from './dto/gate-review.dto';
import { Gate, GatedTier, SignOffRole, Stage } from './lifecycle';
import { SignOff } from './sign-off.entity';
import { checkSignOff, evaluateReview, RecordedDecision, ReviewOutcome, ReviewState, RoleSlot } from './sign-off.policy';

/**
 * The read side of gate reviews: a review as the people deciding it see it,
 * the inbox, clearance for pipelines and the overdue list. It takes no locks
 * and changes nothing.
 */
@Injectable()
export class ReviewQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly policies: GatePoliciesService,
    private readonly useCases: UseCasesService,
    private readonly useCaseGates: UseCaseGates,
    private readonly repository: GateReviewsRepository,
    private readonly assessments: ImpactAssessmentsService,
    private readonly templates: AssessmentTemplatesService,
  ) {}

  async get(principal: Principal, reviewId: string) {
    const review = await this.dataSource.getRepository(GateReview).findOneBy({ id: reviewId });
    if (!review) throw new NotFoundError(`No gate review with id ${reviewId}.`);
    const useCase = await this.useCases.findUseCase(this.dataSource.manager, review.useCaseId);
    if (!canReadUseCase(principal, useCase)) throw new NotFoundError(`No gate review with id ${reviewId}.`);
    return this.view(this.dataSource.manager, reviewId);
  }

  async listForUseCase(principal: Principal, useCaseId: string) {
    await this.useCases.get(principal, useCaseId);
    const reviews = await this.dataSource.getRepository(GateReview).find({ select: { id: true }, where: { useCaseId }, order: { openedAt: 'ASC' } });
    return Promise.all(reviews.map((review) => this.view(this.dataSource.manager, review.id)));
  }

  /** A page of the reviews waiting for my decision in a role I hold, oldest first. */
  async inbox(principal: Principal, query: InboxQuery): Promise<{ items: InboxItem[]; nextCursor: string | null }> {
    // Sign-offs are made by people: nothing waits for an API key.
    if (principal.kind !== 'user') return { items: [], nextCursor: null };
    // The cursor was checked by the DTO; a second decode only narrows its type.
    const after = query.cursor ? decodeKeysetCursor(query.cursor) : undefined;
    // Three queries whatever the number of open reviews: the candidates, then their decisions and their use cases' parties.
    const { candidates, next } = await this.repository.inboxCandidates(principal, { limit: query.limit, after });
    const nextCursor = next ? encodeKeysetCursor(next.at, next.id) : null;
    if (!candidates.length) return { items: [], nextCursor };
    const manager = this.dataSource.manager;
    const [decisions, partiesByUseCase] = await Promise.all([
      this.repository.currentDecisions(manager, candidates.map(({ review }) => review.id)),
      this.useCases.partiesOfUseCases(manager, candidates.map((c) => ({ id: c.review.useCaseId, developerTeamId: c.developerTeamId, deployerTeamId: c.deployerTeamId }))),
    ]);
    const items: InboxItem[] = [];
    for (const { review, title } of candidates) {
      const parties = partiesByUseCase.get(review.useCaseId)!;
      const current = decisions.get(review.id)!.map(toDecision);
      const outcome = evaluateReview(review, current);
      const missingRoles = outcome.status === 'open' ? outcome.missing.map((slot) => slot.role) : [];
      const roles = missingRoles.filter((role) => {
        const mine = current.find((d) => d.signerId === principal.userId && d.role === role);
        if (mine && mine.contentHash === review.contentHash) return false;
        return checkSignOff({ signer: principal, role, revision: review.revision, review: toState(review), parties, current, tier: review.tier }).allowed;
      });
      if (roles.length) {
        const missing = outcome.status === 'open' ? outcome.missing : [];
        items.push({ reviewId: review.id, useCaseId: review.useCaseId, title, tier: review.tier, gate: review.gate, revision: review.revision, openedAt: review.openedAt.toISOString(), roles, missing });
      }
    }
    return { items, nextCursor };
  }

  /**
   * Is the use case cleared for `stage` at `revision`? Yes when it stands at
   * that stage or beyond and the review that brought it there approved exactly
   * that revision's content.
   */
  async clearance(principal: Principal, useCaseId: string, stage: Stage, revision?: number) {
    const useCase = await this.useCases.get(principal, useCaseId);
    const asked = revision ?? useCase.revision;
    const manager = this.dataSource.manager;
    const [approval, standing, policy] = await Promise.all([
      this.approvalOf(useCaseId, stage, asked),
      this.assessments.standing(manager, useCase),
      this.policies.current(manager),
    ]);
    const approved = clearanceByStage(useCase.stage, stage) ?? clearanceByApproval({ stage, revision: asked, ...approval });
    const gate = gateInto(stage);
    const needsAssessment = gate !== undefined && useCase.tier !== 'prohibited' && policy.document.gates[gate][useCase.tier].impactAssessment !== undefined;
    const verdict = clearanceWithAssessment(approved, needsAssessment, standing);
    const impactAssessment = { state: standing.state, reasons: standing.reasons, requiredForStage: needsAssessment };
    return { useCaseId, stage, revision: asked, ...verdict, currentStage: useCase.stage, currentRevision: useCase.revision, impactAssessment };
  }

  /** The content hash of `revision`, and the latest review that passed the use case into `stage`. */
  private async approvalOf(useCaseId: string, stage: Stage, revision: number) {
    const [revisionHash, passed] = await Promise.all([
      this.useCaseGates.revisionHash(this.dataSource.manager, useCaseId, revision),
      this.dataSource.getRepository(GateReview).findOne({
        select: { id: true, revision: true, contentHash: true },
        where: { useCaseId, status: 'passed', toStage: stage },
        order: { closedAt: 'DESC' },
      }),
    ]);
    return { revisionHash, passed: passed ?? undefined };
  }

  /** Operating use cases whose periodic review is due, or whose intended use changed. */
  async overdue(principal: Principal) {
    const rows = await this.repository.overdue(principal);
    return rows.map((row) => ({ useCaseId: row.id, title: row.title, tier: row.tier, nextReviewDue: row.next_review_due, rereviewReason: row.rereview_reason }));
  }

  /**
   * What the gate needs to know beyond the content, read in `manager`'s
   * transaction: the risks awaiting acceptance and, when the gate asks for it,
   * where the impact assessment stands against the use case as it is now.
   */
  async gateFacts(manager: EntityManager, useCase: Pick<UseCase, 'id' | 'content' | 'tier'>, requirements: GateRequirements): Promise<GateFacts> {
    // Acceptances are read only when a risk asks for one: most decisions need no query for them.
    const asking = useCase.content.risks.some(asksForAcceptance);
    const acceptances = asking ? await acceptancesOf(manager, useCase.id) : [];
    const facts: GateFacts = { risksAwaitingAcceptance: asking ? risksAwaitingAcceptance(useCase.content.risks, acceptances) : [] };
    if (!needsAssessment(requirements)) return facts;
    const assessment = await this.assessments.standing(manager, useCase);
    return { ...facts, assessment, currentTemplateVersion: await this.templates.currentVersion(manager) };
  }

  /** Everything the review's gate still lacks at `tier`, under its pinned policy version. */
  async gapsAt(manager: EntityManager, review: Pick<GateReview, 'policyVersion' | 'gate'>, useCase: Pick<UseCase, 'id' | 'content' | 'tier'>): Promise<RequirementGap[]> {
    if (useCase.tier === 'prohibited') return [];
    const requirements = await this.requirementsAt(review, useCase.tier, manager);
    return unmetRequirements(requirements, useCase.content, await this.gateFacts(manager, useCase, requirements), review.gate);
  }

  /** The requirements of the review's gate for `tier`, under the policy version the review is pinned to. */
  async requirementsAt(review: Pick<GateReview, 'policyVersion' | 'gate'>, tier: GatedTier, manager?: EntityManager) {
    const policy = await this.policies.get(review.policyVersion, manager);
    return policy.document.gates[review.gate][tier];
  }

  /**
   * The answer to a decision: the review's state and the decision just
   * recorded — not its history, so the answer stays the same size however
   * many decisions came before (GET /api/reviews/:id has the history).
   */
  decisionAnswer(review: GateReview, recorded: SignOff, outcome: ReviewOutcome, gaps: RequirementGap[]) {
    return {
      ...reviewSummary(review),
      missing: review.status === 'open' && outcome.status === 'open' ? outcome.missing : [],
      unmetRequirements: review.status === 'open' ? gaps : [],
      signOff: signOffView(recorded, new Set(), review.contentHash),
    };
  }

  /**
   * A review with its full decision history, as seen inside `manager`'s
   * transaction. A caller that holds the use case locked in that transaction
   * passes it (its tier and content are what the view reads), saving a read.
   */
  async view(manager: EntityManager, reviewId: string, lockedUseCase?: UseCase) {
    const review = await manager.getRepository(GateReview).findOneByOrFail({ id: reviewId });
    const history = await manager.getRepository(SignOff).find({ where: { reviewId }, order: { createdAt: 'ASC', id: 'ASC' } });
    const supersededIds = new Set(history.map((s) => s.supersedes).filter(Boolean));
    const current = history.filter((s) => !supersededIds.has(s.id));
    const outcome = evaluateReview(review, current.map(toDecision));
    const useCase = review.status === 'open' ? (lockedUseCase ?? (await this.useCases.findUseCase(manager, review.useCaseId))) : undefined;
    const named = new Set([review.openedBy, ...history.flatMap((s) => [s.signerId, ...s.conditions.flatMap((c) => (c.ownerId ? [c.ownerId] : []))])]);
    const gaps = useCase ? await this.gapsAt(manager, review, useCase) : [];
    const people = await this.repository.displayNames(manager, [...named]);
    return {
      ...reviewSummary(review),
      missing: review.status === 'open' && outcome.status === 'open' ? outcome.missing : [],
      /** What the gate asks for at the current tier and the use case lacks: the gate cannot pass until it is there. */
      unmetRequirements: gaps,
      signOffs: history.map((s) => signOffView(s, supersededIds, review.contentHash)),
      /** The people the review names (its opener, its signers, their conditions' owners), so a reader sees names, not ids. */
      people,
    };
  }
}

interface InboxItem {
  reviewId: string;
  useCaseId: string;
  title: string;
  tier: GatedTier;
  gate: Gate;
  revision: number;
  openedAt: string;
  roles: SignOffRole[];
  missing: RoleSlot[];
}

function reviewSummary(review: GateReview) {
  return {
    id: review.id,
    useCaseId: review.useCaseId,
    gate: review.gate,
    fromStage: review.fromStage,
    toStage: review.toStage,
    tier: review.tier,
    policyVersion: review.policyVersion,
    openedRevision: review.openedRevision,
    revision: review.revision,
    contentHash: review.contentHash,
    status: review.status,
    slots: review.slots,
    openedBy: review.openedBy,
    openedAt: review.openedAt.toISOString(),
    closedAt: review.closedAt?.toISOString() ?? null,
  };
}

function signOffView(s: SignOff, supersededIds: Set<string | null>, pinnedHash: string) {
  return {
    id: s.id,
    signerId: s.signerId,
    role: s.role,
    decision: s.decision,
    comment: s.comment,
    conditions: s.conditions,
    revision: s.revision,
    contentHash: s.contentHash,
    createdAt: s.createdAt.toISOString(),
    superseded: supersededIds.has(s.id),
    stale: s.contentHash !== pinnedHash,
  };
}

export function toState(review: GateReview): ReviewState {
  return { status: review.status, openedBy: review.openedBy, revision: review.revision, contentHash: review.contentHash, slots: review.slots };
}

export function toDecision(decision: SignOff): RecordedDecision {
  return { signerId: decision.signerId, role: decision.role, decision: decision.decision, contentHash: decision.contentHash };
}
