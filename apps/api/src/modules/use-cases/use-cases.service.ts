import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AuditDetails, AuditTrail, ContentChange, DeniedAttempts } from '@app/audit';
import { Principal } from '@app/auth';
import { rowsToEntities } from '@app/database';
import { ValidationFailedError } from '@app/errors';
import { GatePoliciesService } from '../gate-policies/gate-policies.service';
import { ReviewAlignment } from '../gate-reviews/review-alignment.service';
import { UseCaseParties } from '../gate-reviews/sign-off.policy';
import { ChecklistAnswerDto, TierOverrideDto } from './dto/checklist.dto';
import { RiskDto } from './dto/risk.dto';
import { CreateUseCaseDto, ListUseCasesQuery, UpdateUseCaseDto } from './dto/use-case.dto';
import { decodeKeysetCursor, encodeKeysetCursor } from '../../http/keyset-cursor';
import { deriveTier, effectiveTier, Risk } from './risk-tier.policy';
import { assertUseCaseAccess, isOnUseCaseTeam, TeamOwned } from './use-case-access';
import { changedFields, contentDiff, contentHash, UseCaseContent, UseCaseDefinition } from './use-case-content';
import { UseCaseRevision } from './use-case-revision.entity';
import { UseCase } from './use-case.entity';
import { UseCaseView, useCaseView } from './use-case.view';
import { assessmentStanding, AssessmentState } from '../impact-assessments/assessment-standing.policy';
import type { AssessmentStatus } from '../impact-assessments/impact-assessment.entity';
import { assessmentSummary } from '../impact-assessments/impact-assessments.repository';
import { riskTreatments, RiskTreatmentView } from './risk-acceptance.policy';
import { acceptancesOf, RiskAcceptanceView } from './risk-acceptances.repository';
import { RevisionNotFound, RiskNotFound, UseCaseNotFound, UseCaseRetiredError } from './use-cases.errors';
import { activeReadersAmong, authorsOf, countExistingTeams, lockedUseCaseOfReview, pageOfVisibleUseCases } from './use-cases.repository';

/** The facts a content change adds to its event beyond the change itself, by the action that records it. */
type ExtraFacts<A extends 'use_case.tier_overridden' | 'evidence.attached'> = Omit<AuditDetails[A]['data'], keyof ContentChange>;
export type ContentEvent =
  | { action?: 'use_case.updated'; data?: undefined }
  | { action: 'use_case.tier_overridden'; data: ExtraFacts<'use_case.tier_overridden'> }
  | { action: 'evidence.attached'; data: ExtraFacts<'evidence.attached'> };

export interface UseCaseDetailView extends UseCaseView {
  riskTreatment: RiskTreatmentView<RiskAcceptanceView>[];
  impactAssessment: { state: AssessmentState; reasons: string[]; status: AssessmentStatus | null; revision: number | null; approvedRevision: number | null };
}

export interface RevisionView {
  revision: number;
  contentHash: string;
  changedFields: string[];
  summary: string;
  authorId: string;
  createdAt: string;
}

/**
 * The registry of use cases. Every change to a use case's content goes through
 * `change()`: it locks the use case, applies the edit, and writes a new
 * immutable revision and its audit event in the same transaction — or nothing
 * at all when the content did not actually change.
 */
@Injectable()
export class UseCasesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(UseCaseRevision) private readonly revisionRows: Repository<UseCaseRevision>,
    private readonly trail: AuditTrail,
    private readonly policies: GatePoliciesService,
    private readonly reviews: ReviewAlignment,
    private readonly denials: DeniedAttempts,
  ) {}

  async create(principal: Principal, input: CreateUseCaseDto): Promise<UseCaseView> {
    const { developerTeamId, deployerTeamId, ...definition } = input;
    if (!isOnUseCaseTeam(principal, { developerTeamId, deployerTeamId })) {
      throw new ValidationFailedError([
        { field: 'developerTeamId', detail: 'you register use cases for a team you are a developer or deployer of' },
      ]);
    }
    const content: UseCaseContent = {
      ...(definition as UseCaseDefinition),
      developerTeamId,
      deployerTeamId,
      risks: [],
      checklist: {},
      tierOverride: null,
      evidence: [],
    };
    return this.dataSource.transaction(async (manager) => {
      const teamIds = [...new Set([developerTeamId, deployerTeamId])];
      if ((await countExistingTeams(manager, teamIds)) !== teamIds.length) {
        throw new ValidationFailedError([{ field: 'developerTeamId', detail: 'developerTeamId and deployerTeamId must be existing teams' }]);
      }
      const tier = deriveTier(content.risks);
      const hash = contentHash(content);
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(UseCase)
        .values({ developerTeamId, deployerTeamId, tier, derivedTier: tier, content, revision: 1, contentHash: hash, createdBy: principal.userId })
        .returning('*')
        .execute();
      // The row as stored: the view and the event say what the database holds.
      const [created] = rowsToEntities(manager, UseCase, inserted.raw);
      await this.writeRevision(manager, created.id, 1, content, hash, changedFields(null, content), 'registered', principal);
      await this.trail.record(manager, {
        action: 'use_case.created',
        target: { type: 'use_case', id: created.id },
        useCaseId: created.id,
        after: created.content,
        data: { revision: 1, contentHash: created.contentHash, tier: created.tier },
      });
      return useCaseView(created);
    });
  }

  async get(principal: Principal, id: string): Promise<UseCaseView> {
    const useCase = await this.findUseCase(this.dataSource.manager, id);
    assertUseCaseAccess(principal, useCase, 'read');
    return useCaseView(useCase);
  }

  /**
   * The use case with what is decided about it outside its content: each
   * risk's treatment and the acceptance that covers it, and where its impact
   * assessment stands.
   */
  async detail(principal: Principal, id: string): Promise<UseCaseDetailView> {
    const manager = this.dataSource.manager;
    const useCase = await this.findUseCase(manager, id);
    assertUseCaseAccess(principal, useCase, 'read');
    const [acceptances, assessment] = await Promise.all([acceptancesOf(manager, id), assessmentSummary(manager, id)]);
    const standing = assessmentStanding(assessment, useCase);
    return {
      ...useCaseView(useCase),
      riskTreatment: riskTreatments(useCase.content.risks, acceptances),
      impactAssessment: { state: standing.state, reasons: standing.reasons, status: assessment.status, revision: assessment.revision, approvedRevision: standing.approval?.revision ?? null },
    };
  }

  async list(principal: Principal, query: ListUseCasesQuery): Promise<{ items: UseCaseView[]; nextCursor: string | null }> {
    let after;
    if (query.cursor) {
      after = decodeKeysetCursor(query.cursor);
      if (!after) throw new ValidationFailedError([{ field: 'cursor', detail: 'cursor is not a cursor this API returned' }]);
    }
    const page = await pageOfVisibleUseCases(this.dataSource.manager, principal, query, after);
    const last = page.useCases.at(-1);
    const nextCursor = page.hasMore && last && page.lastCreatedAt ? encodeKeysetCursor(page.lastCreatedAt, last.id) : null;
    return { items: page.useCases.map(useCaseView), nextCursor };
  }

  update(principal: Principal, id: string, input: UpdateUseCaseDto): Promise<UseCaseView> {
    return this.change(principal, id, 'definition updated', (content) => ({ ...content, ...(input as Partial<UseCaseDefinition>) }));
  }

  addRisk(principal: Principal, id: string, input: RiskDto): Promise<UseCaseView> {
    return this.change(principal, id, 'risk added', (content) => ({ ...content, risks: [...content.risks, toRisk(randomUUID(), input)] }));
  }

  replaceRisk(principal: Principal, id: string, riskId: string, input: RiskDto): Promise<UseCaseView> {
    return this.change(principal, id, 'risk updated', (content) => {
      if (!content.risks.some((risk) => risk.id === riskId)) throw new RiskNotFound(riskId);
      return { ...content, risks: content.risks.map((risk) => (risk.id === riskId ? toRisk(riskId, input) : risk)) };
    });
  }

  removeRisk(principal: Principal, id: string, riskId: string): Promise<UseCaseView> {
    return this.change(principal, id, 'risk removed', (content) => {
      if (!content.risks.some((risk) => risk.id === riskId)) throw new RiskNotFound(riskId);
      return { ...content, risks: content.risks.filter((risk) => risk.id !== riskId) };
    });
  }

  async answerChecklistItem(principal: Principal, id: string, itemId: string, input: ChecklistAnswerDto): Promise<UseCaseView> {
    const policy = await this.policies.current();
    if (!Object.hasOwn(policy.document.checklistItems, itemId)) {
      throw new ValidationFailedError([{ field: 'itemId', detail: `${itemId} is not a checklist item of gate policy version ${policy.version}` }]);
    }
    return this.change(principal, id, `checklist ${itemId} answered`, (content) => ({
      ...content,
      checklist: { ...content.checklist, [itemId]: { answer: input.answer, note: input.note ?? null } },
    }));
  }

  async revisions(principal: Principal, id: string): Promise<RevisionView[]> {
    await this.get(principal, id);
    const revisions = await this.revisionRows.find({
      select: { revision: true, contentHash: true, changedFields: true, summary: true, authorId: true, createdAt: true },
      where: { useCaseId: id },
      order: { revision: 'ASC' },
    });
    return revisions.map(revisionView);
  }

  async revision(principal: Principal, id: string, revision: number): Promise<RevisionView & { content: UseCaseContent }> {
    await this.get(principal, id);
    const found = await this.revisionRows.findOneBy({ useCaseId: id, revision });
    if (!found) throw new RevisionNotFound(id, revision);
    const { revision: number, ...rest } = revisionView(found);
    return { revision: number, content: found.content, ...rest };
  }

  /** The content of one revision, read in the caller's transaction. */
  async contentAt(manager: EntityManager, id: string, revision: number): Promise<UseCaseContent> {
    const found = await manager.getRepository(UseCaseRevision).findOne({ select: { content: true }, where: { useCaseId: id, revision } });
    if (!found) throw new RevisionNotFound(id, revision);
    return found.content;
  }

  async diff(principal: Principal, id: string, from: number, to: number) {
    const [before, after] = await Promise.all([this.revision(principal, id, from), this.revision(principal, id, to)]);
    return { from, to, fromHash: before.contentHash, toHash: after.contentHash, changes: contentDiff(before.content, after.content) };
  }

  /**
   * The one write path for content. `edit` returns the new content (or throws);
   * an edit that changes nothing writes nothing.
   */
  async change(
    principal: Principal,
    id: string,
    summary: string,
    edit: (content: UseCaseContent) => UseCaseContent,
    options: { access?: 'read' | 'write'; reason?: string } & ContentEvent = {},
    manager?: EntityManager,
  ): Promise<UseCaseView> {
    const work = async (tx: EntityManager) => {
      const current = await this.lockUseCaseForChange(tx, principal, id, options.access ?? 'write');
      const before = current.content;
      const after = edit(structuredClone(before));
      const hash = contentHash(after);
      if (hash === current.contentHash) return useCaseView(current);

      const derived = deriveTier(after.risks);
      const changed = changedFields(before, after);
      // In operate, a new intended use needs a new review: the one that passed approved another use.
      const rereview = current.stage === 'operate' && changed.includes('intendedUse');
      const result = await tx
        .createQueryBuilder()
        .update(UseCase)
        .set({
          content: after,
          contentHash: hash,
          revision: current.revision + 1,
          tier: effectiveTier(derived, after.tierOverride),
          derivedTier: derived,
          updatedAt: () => 'now()',
          ...(rereview ? { rereviewReason: 'intended use changed', nextReviewDue: () => 'current_date' } : {}),
        })
        .where('id = :id', { id })
        .returning(['revision', 'contentHash', 'tier'])
        .execute();
      const [{ revision, contentHash: storedHash, tier }] = rowsToEntities(tx, UseCase, result.raw);
      await this.writeRevision(tx, id, revision, after, storedHash, changed, summary, principal);
      const facts: ContentChange = { revision, contentHash: storedHash, previousContentHash: current.contentHash, changedFields: changed, changes: contentDiff(before, after), tier, rereviewRequired: rereview };
      const event =
        options.action === 'use_case.tier_overridden' ? { action: options.action, data: { ...facts, ...options.data } }
        : options.action === 'evidence.attached' ? { action: options.action, data: { ...facts, ...options.data } }
        : { action: 'use_case.updated' as const, data: facts };
      await this.trail.record(tx, {
        ...event,
        target: { type: 'use_case', id },
        useCaseId: id,
        reason: options.reason,
      });
      await this.reviews.afterContentChange(tx, { id, revision, contentHash: storedHash, tier, title: after.title, developerTeamId: current.developerTeamId, deployerTeamId: current.deployerTeamId });
      // Read again: aligning the open review may have changed the use case's status.
      return useCaseView(await this.findUseCase(tx, id, true));
    };
    if (manager) return work(manager);
    const attempt = { attempted: options.action ?? 'use_case.updated', target: { type: 'use_case', id }, useCaseId: id };
    return this.denials.watch(attempt, () => this.dataSource.transaction(work));
  }

  /**
   * Who stands in a use case's separation-of-duties rules: its two teams and
   * its authors. A revision that only records a tier decision is not
   * authorship: the assessor or lawyer who decided the tier stays independent.
   */
  async partiesOfUseCase(manager: EntityManager, useCase: TeamOwned): Promise<UseCaseParties> {
    return (await this.partiesOfUseCases(manager, [useCase])).get(useCase.id)!;
  }

  /** partiesOfUseCase() for many use cases, in one query, by use case id. */
  async partiesOfUseCases(manager: EntityManager, useCases: TeamOwned[]): Promise<Map<string, UseCaseParties>> {
    const authorIds = await authorsOf(manager, [...new Set(useCases.map((useCase) => useCase.id))]);
    return new Map(
      useCases.map((useCase) => [useCase.id, { developerTeamId: useCase.developerTeamId, deployerTeamId: useCase.deployerTeamId, authorIds: authorIds.get(useCase.id) ?? [] }]),
    );
  }

  /**
   * Which of these user ids belong to active people who may read the use case
   * (a member of its teams, or an organisation role that reads every use case).
   */
  readersAmong(manager: EntityManager, userIds: string[], useCase: TeamOwned): Promise<Set<string>> {
    return activeReadersAmong(manager, userIds, useCase.developerTeamId, useCase.deployerTeamId);
  }

  /** Would the caller be allowed to change this use case? Checked without a lock, before slow work; the change checks again under its lock. */
  async assertMayChange(principal: Principal, id: string): Promise<void> {
    assertMayChange(principal, await this.findUseCase(this.dataSource.manager, id), 'write');
  }

  /** Locks the use case for the rest of the transaction, after checking the caller may change it. */
  async lockUseCaseForChange(manager: EntityManager, principal: Principal, id: string, access: 'read' | 'write' = 'write'): Promise<UseCase> {
    const useCase = await this.findUseCase(manager, id, true);
    assertMayChange(principal, useCase, access);
    return useCase;
  }

  private async writeRevision(
    manager: EntityManager,
    id: string,
    revision: number,
    content: UseCaseContent,
    hash: string,
    changed: string[],
    summary: string,
    principal: Principal,
  ) {
    await manager
      .createQueryBuilder()
      .insert()
      .into(UseCaseRevision)
      .values({ useCaseId: id, revision, content, contentHash: hash, changedFields: changed, summary, authorId: principal.userId })
      .updateEntity(false)
      .execute();
  }

  /** The use case a gate review is about, locked for the rest of the transaction: one round trip. Undefined when there is no such review. */
  async lockUseCaseOfReview(manager: EntityManager, reviewId: string): Promise<UseCase | undefined> {
    return (await lockedUseCaseOfReview(manager, reviewId)) ?? undefined;
  }

  /** The use case (locked for the rest of the transaction with `lock`), or 404. */
  async findUseCase(manager: EntityManager, id: string, lock = false): Promise<UseCase> {
    const query = manager.getRepository(UseCase).createQueryBuilder('u').where('u.id = :id', { id });
    const useCase = await (lock ? query.setLock('pessimistic_write') : query).getOne();
    if (!useCase) throw new UseCaseNotFound(id);
    return useCase;
  }

}

/** The team and retirement checks of every change, in this order: an outsider learns nothing about the stage. */
function assertMayChange(principal: Principal, useCase: UseCase, access: 'read' | 'write'): void {
  assertUseCaseAccess(principal, useCase, access);
  if (useCase.stage === 'retired') throw new UseCaseRetiredError(useCase.id);
}


function revisionView(revision: UseCaseRevision): RevisionView {
  return {
    revision: revision.revision,
    contentHash: revision.contentHash,
    changedFields: revision.changedFields,
    summary: revision.summary,
    authorId: revision.authorId,
    createdAt: revision.createdAt.toISOString(),
  };
}

function toRisk(id: string, input: RiskDto): Risk {
  return {
    id,
    description: input.description,
    category: input.category,
    severity: input.severity,
    likelihood: input.likelihood,
    mitigation: input.mitigation ?? null,
    owner: input.owner ?? null,
    residualSeverity: input.residualSeverity ?? null,
    residualLikelihood: input.residualLikelihood ?? null,
    status: input.status ?? 'open',
    treatment: input.treatment ?? null,
  };
}
