import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditTrail, DeniedAttempts } from '@app/audit';
import { Principal } from '@app/auth';
import { rowsToEntities } from '@app/database';
import { ValidationFailedError } from '@app/errors';
import { impactAssessmentApprovers } from '../gate-policies/gate-policy';
import { GatePoliciesService } from '../gate-policies/gate-policies.service';
import { checkOutsideDecider } from '../gate-reviews/outside-decider.policy';
import type { UseCase } from '../use-cases/use-case.entity';
import { UseCasesService } from '../use-cases/use-cases.service';
import { AssessmentStanding, assessmentStanding, scopeOf } from './assessment-standing.policy';
import { Answers, answerErrors, unansweredQuestions } from './assessment-template';
import { AssessmentTemplatesService } from './assessment-templates.service';
import { AssessmentDecisionDto, SaveImpactAssessmentDto, SubmitImpactAssessmentDto } from './dto/impact-assessment.dto';
import { ImpactAssessmentDecision } from './impact-assessment-decision.entity';
import { ImpactAssessmentRevision } from './impact-assessment-revision.entity';
import { AssessmentStatus, ImpactAssessment } from './impact-assessment.entity';
import { AssessmentDecisionRefused, AssessmentNotInState, AssessmentRevisionStale, AssessmentScopeChanged, NoImpactAssessment } from './impact-assessments.errors';
import { assessmentSummary } from './impact-assessments.repository';

export interface AssessmentDecisionView {
  id: string;
  revision: number;
  contentHash: string;
  templateVersion: number;
  decision: string;
  role: string;
  decidedBy: string;
  comment: string;
  useCaseRevision: number;
  tier: string;
  decidedAt: string;
}

export interface ImpactAssessmentView {
  id: string;
  useCaseId: string;
  templateVersion: number;
  revision: number;
  contentHash: string;
  status: AssessmentStatus;
  answers: Answers;
  /** Required questions of its template the working revision leaves unanswered. */
  unanswered: string[];
  submitted: { by: string; at: string; useCaseRevision: number } | null;
  /** The approval in force, which may be of an earlier revision than the working one. */
  approval: AssessmentDecisionView | null;
  standing: Pick<AssessmentStanding, 'state' | 'reasons'>;
  revisions: { revision: number; contentHash: string; templateVersion: number; authorId: string; createdAt: string }[];
  decisions: AssessmentDecisionView[];
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** SHA-256 (hex) of the RFC 8785 canonical JSON of what a revision holds: its template version and answers. */
export function assessmentHash(templateVersion: number, answers: Answers): string {
  return createHash('sha256').update(canonicalize({ templateVersion, answers })!, 'utf8').digest('hex');
}

/**
 * A use case's impact assessment as a governed record (ISO/IEC 42001 A.5.2–A.5.5).
 * The team drafts it (each save a revision with its content hash) and submits
 * it; someone outside the team approves it, under the same separation of
 * duties as a sign-off, or sends it back. Every step locks the use case first,
 * as content changes and gate decisions do, so an approval and a change of the
 * use case's scope are taken one after the other, never across each other.
 */
@Injectable()
export class ImpactAssessmentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly useCases: UseCasesService,
    private readonly templates: AssessmentTemplatesService,
    private readonly policies: GatePoliciesService,
    private readonly trail: AuditTrail,
    private readonly denials: DeniedAttempts,
  ) {}

  async get(principal: Principal, useCaseId: string): Promise<ImpactAssessmentView> {
    const useCase = await this.useCases.get(principal, useCaseId);
    return this.view(this.dataSource.manager, useCase);
  }

  /** Where the assessment stands for gates and clearance, read in the caller's transaction. */
  async standing(manager: EntityManager, useCase: Pick<UseCase, 'id' | 'content' | 'tier'>): Promise<AssessmentStanding> {
    return assessmentStanding(await assessmentSummary(manager, useCase.id), useCase);
  }

  save(principal: Principal, useCaseId: string, input: SaveImpactAssessmentDto): Promise<ImpactAssessmentView> {
    const attempt = { attempted: 'impact_assessment.saved', target: { type: 'use_case', id: useCaseId }, useCaseId };
    return this.denials.watch(attempt, () =>
      this.dataSource.transaction(async (tx) => {
        const useCase = await this.useCases.lockUseCaseForChange(tx, principal, useCaseId);
        const current = await this.lockAssessment(tx, useCaseId);
        if (input.basedOnRevision !== undefined && input.basedOnRevision !== (current?.revision ?? 0)) {
          throw new AssessmentRevisionStale(input.basedOnRevision, current?.revision ?? 0);
        }
        const latest = await this.templates.currentVersion(tx);
        const templateVersion = input.templateVersion ?? current?.templateVersion ?? latest;
        if (templateVersion !== latest && templateVersion !== current?.templateVersion) {
          throw new ValidationFailedError([{ field: 'templateVersion', detail: `an assessment stays on its template version or moves to the current one, ${latest}` }]);
        }
        const template = await this.templates.get(templateVersion, tx);
        const errors = answerErrors(template.document, input.answers);
        if (errors.length) throw new ValidationFailedError(errors);
        const answers = input.answers as Answers;
        const hash = assessmentHash(templateVersion, answers);
        if (current && hash === current.contentHash) return this.view(tx, useCase);

        const repository = tx.getRepository(ImpactAssessment);
        const revision = (current?.revision ?? 0) + 1;
        const fields = { templateVersion, revision, answers, contentHash: hash, status: 'draft' as const, submittedBy: null, submittedAt: null, submittedUseCaseRevision: null };
        const written = current
          ? await repository.createQueryBuilder().update().set({ ...fields, updatedAt: () => 'now()' }).where('id = :id', { id: current.id }).returning('*').execute()
          : await repository.createQueryBuilder().insert().values({ ...fields, useCaseId, createdBy: principal.userId }).returning('*').execute();
        const [saved] = rowsToEntities(tx, ImpactAssessment, written.raw);
        // The hash is of what the database holds, recomputed from the row it gave back.
        const storedHash = assessmentHash(saved.templateVersion, saved.answers);
        await tx
          .getRepository(ImpactAssessmentRevision)
          .insert({ assessmentId: saved.id, revision, templateVersion, answers: saved.answers, contentHash: storedHash, authorId: principal.userId });
        await this.trail.record(tx, {
          action: 'impact_assessment.saved',
          target: { type: 'impact_assessment', id: saved.id },
          useCaseId,
          data: {
            assessmentId: saved.id,
            revision,
            contentHash: storedHash,
            previousContentHash: current?.contentHash ?? null,
            templateVersion,
            changedAnswers: changedAnswers(current?.answers ?? {}, saved.answers),
            status: saved.status,
            previousStatus: current?.status ?? null,
          },
        });
        return this.view(tx, useCase);
      }),
    );
  }

  submit(principal: Principal, useCaseId: string, input: SubmitImpactAssessmentDto): Promise<ImpactAssessmentView> {
    const attempt = { attempted: 'impact_assessment.submitted', target: { type: 'use_case', id: useCaseId }, useCaseId };
    return this.denials.watch(attempt, () =>
      this.dataSource.transaction(async (tx) => {
        const useCase = await this.useCases.lockUseCaseForChange(tx, principal, useCaseId);
        const current = await this.lockAssessment(tx, useCaseId);
        if (!current) throw new NoImpactAssessment(useCaseId);
        if (input.revision !== current.revision) throw new AssessmentRevisionStale(input.revision, current.revision);
        if (current.status !== 'draft') throw new AssessmentNotInState(`Revision ${current.revision} is already ${current.status}; a draft is submitted.`);
        const template = await this.templates.get(current.templateVersion, tx);
        const missing = unansweredQuestions(template.document, current.answers);
        if (missing.length) throw new ValidationFailedError(missing.map((id) => ({ field: `answers.${id}`, detail: `${id} is required before the assessment is submitted` })));
        await tx.getRepository(ImpactAssessment).update(
          { id: current.id },
          { status: 'submitted', submittedBy: principal.userId, submittedAt: () => 'now()', submittedUseCaseRevision: useCase.revision, updatedAt: () => 'now()' },
        );
        await this.trail.record(tx, {
          action: 'impact_assessment.submitted',
          target: { type: 'impact_assessment', id: current.id },
          useCaseId,
          data: { assessmentId: current.id, revision: current.revision, contentHash: current.contentHash, templateVersion: current.templateVersion, useCaseRevision: useCase.revision },
        });
        return this.view(tx, useCase);
      }),
    );
  }

  /**
   * Approve, or send back, the submitted revision. Checked against the use case
   * as it is now: its people (the separation of duties) and its scope, which
   * must still be the one the team assessed when it submitted.
   */
  decide(principal: Principal, useCaseId: string, input: AssessmentDecisionDto): Promise<ImpactAssessmentView> {
    const action = input.decision === 'approve' ? 'impact_assessment.approved' : 'impact_assessment.changes_requested';
    const attempt = { attempted: action, target: { type: 'use_case', id: useCaseId }, useCaseId };
    return this.denials.watch(attempt, () =>
      this.dataSource.transaction(async (tx) => {
        const useCase = await this.useCases.lockUseCaseForChange(tx, principal, useCaseId, 'read');
        const current = await this.lockAssessment(tx, useCaseId);
        if (!current) throw new NoImpactAssessment(useCaseId);
        const policy = await this.policies.current(tx);
        const authors = await tx.getRepository(ImpactAssessmentRevision).find({ select: { authorId: true }, where: { assessmentId: current.id } });
        const verdict = checkOutsideDecider({
          actor: principal,
          role: input.role,
          allowedRoles: impactAssessmentApprovers(policy.document),
          parties: await this.useCases.partiesOfUseCase(tx, useCase),
          otherAuthors: [...authors.map((a) => a.authorId), ...(current.submittedBy ? [current.submittedBy] : [])],
          decision: 'decides on an impact assessment',
        });
        if (!verdict.allowed) throw new AssessmentDecisionRefused(verdict.status, verdict.code, verdict.reason);
        if (current.status !== 'submitted') throw new AssessmentNotInState(`The assessment is ${current.status}; decisions are taken on a submitted assessment.`);
        if (input.revision !== current.revision) throw new AssessmentRevisionStale(input.revision, current.revision);
        const submittedScope = scopeOf(await this.useCases.contentAt(tx, useCaseId, current.submittedUseCaseRevision!));
        const moved = scopeChanges(submittedScope, scopeOf(useCase.content));
        if (moved.length) throw new AssessmentScopeChanged(moved);

        const inserted = await tx
          .getRepository(ImpactAssessmentDecision)
          .createQueryBuilder()
          .insert()
          .values({
            assessmentId: current.id,
            revision: current.revision,
            contentHash: current.contentHash,
            templateVersion: current.templateVersion,
            decision: input.decision,
            role: input.role,
            decidedBy: principal.userId,
            comment: input.comment,
            useCaseRevision: useCase.revision,
            scope: scopeOf(useCase.content),
            tier: useCase.tier,
          })
          .returning('*')
          .execute();
        const [decision] = rowsToEntities(tx, ImpactAssessmentDecision, inserted.raw);
        const approved = decision.decision === 'approve';
        await tx.getRepository(ImpactAssessment).update(
          { id: current.id },
          approved
            ? { status: 'approved', approvalId: decision.id, updatedAt: () => 'now()' }
            : { status: 'draft', submittedBy: null, submittedAt: null, submittedUseCaseRevision: null, updatedAt: () => 'now()' },
        );
        await this.trail.record(tx, {
          action,
          target: { type: 'impact_assessment', id: current.id },
          useCaseId,
          data: {
            assessmentId: current.id,
            decisionId: decision.id,
            revision: decision.revision,
            contentHash: decision.contentHash,
            templateVersion: decision.templateVersion,
            role: decision.role,
            useCaseRevision: decision.useCaseRevision,
            tier: decision.tier,
          },
          reason: decision.comment,
        });
        return this.view(tx, useCase);
      }),
    );
  }

  private lockAssessment(tx: EntityManager, useCaseId: string): Promise<ImpactAssessment | null> {
    return tx.getRepository(ImpactAssessment).createQueryBuilder('a').setLock('pessimistic_write').where('a.use_case_id = :useCaseId', { useCaseId }).getOne();
  }

  private async view(manager: EntityManager, useCase: Pick<UseCase, 'id' | 'content' | 'tier'>): Promise<ImpactAssessmentView> {
    const assessment = await manager.getRepository(ImpactAssessment).findOneBy({ useCaseId: useCase.id });
    if (!assessment) throw new NoImpactAssessment(useCase.id);
    // One query after another: inside a transaction they share one connection, which runs one at a time anyway.
    const revisions = await manager.getRepository(ImpactAssessmentRevision).find({
      select: { revision: true, contentHash: true, templateVersion: true, authorId: true, createdAt: true },
      where: { assessmentId: assessment.id },
      order: { revision: 'ASC' },
    });
    const decisions = await manager.getRepository(ImpactAssessmentDecision).find({ where: { assessmentId: assessment.id }, order: { decidedAt: 'ASC' } });
    const template = await this.templates.get(assessment.templateVersion, manager);
    // The approval in force is among the decisions just read: where the assessment stands follows from them.
    const approved = decisions.find((decision) => decision.id === assessment.approvalId);
    const approval = approved ? { decisionId: approved.id, revision: approved.revision, templateVersion: approved.templateVersion, scope: approved.scope, tier: approved.tier } : null;
    const standing = assessmentStanding({ exists: true, approval }, useCase);
    const decisionViews = decisions.map(decisionView);
    return {
      id: assessment.id,
      useCaseId: assessment.useCaseId,
      templateVersion: assessment.templateVersion,
      revision: assessment.revision,
      contentHash: assessment.contentHash,
      status: assessment.status,
      answers: assessment.answers,
      unanswered: unansweredQuestions(template.document, assessment.answers),
      submitted:
        assessment.submittedBy && assessment.submittedAt
          ? { by: assessment.submittedBy, at: assessment.submittedAt.toISOString(), useCaseRevision: assessment.submittedUseCaseRevision! }
          : null,
      approval: decisionViews.find((d) => d.id === assessment.approvalId) ?? null,
      standing: { state: standing.state, reasons: standing.reasons },
      revisions: revisions.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
      decisions: decisionViews,
      createdBy: assessment.createdBy,
      createdAt: assessment.createdAt.toISOString(),
      updatedAt: assessment.updatedAt.toISOString(),
    };
  }
}

function decisionView(decision: ImpactAssessmentDecision): AssessmentDecisionView {
  return {
    id: decision.id,
    revision: decision.revision,
    contentHash: decision.contentHash,
    templateVersion: decision.templateVersion,
    decision: decision.decision,
    role: decision.role,
    decidedBy: decision.decidedBy,
    comment: decision.comment,
    useCaseRevision: decision.useCaseRevision,
    tier: decision.tier,
    decidedAt: decision.decidedAt.toISOString(),
  };
}

/** The question ids whose answers differ, for the audit event. */
function changedAnswers(before: Answers, after: Answers): string[] {
  const ids = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...ids].filter((id) => canonicalize(before[id] ?? null) !== canonicalize(after[id] ?? null)).sort();
}

function scopeChanges(before: ReturnType<typeof scopeOf>, after: ReturnType<typeof scopeOf>): string[] {
  return (Object.keys(before) as (keyof typeof before)[]).filter((field) => canonicalize(before[field]) !== canonicalize(after[field]));
}
