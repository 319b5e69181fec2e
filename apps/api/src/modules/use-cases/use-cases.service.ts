import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditDetails, AuditTrail, ContentChange, DeniedAttempts } from '@app/audit';
import { Principal, toAuditActor } from '@app/auth';
import { ConflictError, NotFoundError, ValidationFailedError } from '@app/errors';
import { GatePoliciesService } from '../gate-policies/gate-policies.service';
import { ReviewAlignment } from '../gate-reviews/review-alignment.service';
import { UseCaseParties } from '../gate-reviews/sign-off.policy';
import { ChecklistAnswerDto, TierOverrideDto } from './dto/checklist.dto';
import { RiskDto } from './dto/risk.dto';
import { CreateUseCaseDto, ListUseCasesQuery, UpdateUseCaseDto } from './dto/use-case.dto';
import { decodeUseCaseCursor } from './dto/use-case-cursor';
import { deriveTier, effectiveTier, Risk } from './risk-tier.policy';
import { assertUseCaseAccess, isOnUseCaseTeam, USE_CASE_READERS, visibleUseCasesSql } from './use-case-access';
import { changedFields, contentDiff, contentHash, UseCaseContent, UseCaseDefinition } from './use-case-content';
import { asTeamOwned, toUseCaseView, UseCaseRow, UseCaseView } from './use-case.view';

/** The facts a content change adds to its event beyond the change itself, by the action that records it. */
type ExtraFacts<A extends 'use_case.tier_overridden' | 'evidence.attached'> = Omit<AuditDetails[A]['data'], keyof ContentChange>;
export type ContentEvent =
  | { action?: 'use_case.updated'; data?: undefined }
  | { action: 'use_case.tier_overridden'; data: ExtraFacts<'use_case.tier_overridden'> }
  | { action: 'evidence.attached'; data: ExtraFacts<'evidence.attached'> };

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
      const teams = await manager.query('SELECT id FROM teams WHERE id = ANY($1)', [[developerTeamId, deployerTeamId]]);
      if (teams.length !== new Set([developerTeamId, deployerTeamId]).size) {
        throw new ValidationFailedError([{ field: 'developerTeamId', detail: 'developerTeamId and deployerTeamId must be existing teams' }]);
      }
      const tier = deriveTier(content.risks);
      const hash = contentHash(content);
      const [{ id }] = await manager.query(
        `INSERT INTO use_cases (developer_team_id, deployer_team_id, tier, derived_tier, content, revision, content_hash, created_by)
         VALUES ($1, $2, $3, $3, $4, 1, $5, $6) RETURNING id`,
        [developerTeamId, deployerTeamId, tier, JSON.stringify(content), hash, principal.userId],
      );
      await this.writeRevision(manager, id, 1, content, hash, changedFields(null, content), 'registered', principal);
      await this.trail.record(manager, {
        action: 'use_case.created',
        target: { type: 'use_case', id },
        useCaseId: id,
        after: content,
        data: { revision: 1, contentHash: hash, tier },
        actor: toAuditActor(principal),
      });
      return toUseCaseView(await this.lockedRow(manager, id));
    });
  }

  async get(principal: Principal, id: string): Promise<UseCaseView> {
    const row = await this.findRow(this.dataSource.manager, id);
    assertUseCaseAccess(principal, asTeamOwned(row), 'read');
    return toUseCaseView(row);
  }

  async list(principal: Principal, query: ListUseCasesQuery): Promise<{ items: UseCaseView[]; nextCursor: string | null }> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    const where = (sql: string, value: unknown) => {
      params.push(value);
      conditions.push(sql.replaceAll('?', `$${params.length}`));
    };
    conditions.push(visibleUseCasesSql(principal, 'use_cases', params));
    if (query.team) where('(developer_team_id = ? OR deployer_team_id = ?)', query.team);
    if (query.stage) where('stage = ?', query.stage);
    if (query.tier) where('tier = ?', query.tier);
    if (query.status) where('status = ?', query.status);
    if (query.q) {
      where(
        `(content->>'title' ILIKE ? OR content->>'businessProblem' ILIKE ? OR content->>'intendedUse' ILIKE ?)`,
        `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
      );
    }
    if (query.cursor) {
      const position = decodeUseCaseCursor(query.cursor);
      if (!position) throw new ValidationFailedError([{ field: 'cursor', detail: 'cursor is not a cursor this API returned' }]);
      params.push(position.createdAt, position.id);
      conditions.push(`(created_at, id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    // created_at as text keeps its microseconds, which a JavaScript Date would drop from the cursor.
    const rows: (UseCaseRow & { created_at_exact: string })[] = await this.dataSource.query(
      `SELECT *, created_at::text AS created_at_exact FROM use_cases ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY created_at, id LIMIT ${query.limit + 1}`,
      params,
    );
    const items = rows.slice(0, query.limit).map(toUseCaseView);
    const last = rows.length > query.limit ? rows[query.limit - 1] : undefined;
    const nextCursor = last ? Buffer.from(`${last.created_at_exact}|${last.id}`).toString('base64url') : null;
    return { items, nextCursor };
  }

  update(principal: Principal, id: string, input: UpdateUseCaseDto): Promise<UseCaseView> {
    return this.change(principal, id, 'definition updated', (content) => ({ ...content, ...(input as Partial<UseCaseDefinition>) }));
  }

  addRisk(principal: Principal, id: string, input: RiskDto): Promise<UseCaseView> {
    return this.change(principal, id, 'risk added', (content) => ({ ...content, risks: [...content.risks, toRisk(randomUUID(), input)] }));
  }

  replaceRisk(principal: Principal, id: string, riskId: string, input: RiskDto): Promise<UseCaseView> {
    return this.change(principal, id, 'risk updated', (content) => {
      if (!content.risks.some((risk) => risk.id === riskId)) throw new NotFoundError(`No risk with id ${riskId} on this use case.`);
      return { ...content, risks: content.risks.map((risk) => (risk.id === riskId ? toRisk(riskId, input) : risk)) };
    });
  }

  removeRisk(principal: Principal, id: string, riskId: string): Promise<UseCaseView> {
    return this.change(principal, id, 'risk removed', (content) => {
      if (!content.risks.some((risk) => risk.id === riskId)) throw new NotFoundError(`No risk with id ${riskId} on this use case.`);
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
    return this.dataSource.query(
      `SELECT revision, content_hash AS "contentHash", changed_fields AS "changedFields", summary, author_id AS "authorId", created_at AS "createdAt"
       FROM use_case_revisions WHERE use_case_id = $1 ORDER BY revision`,
      [id],
    );
  }

  async revision(principal: Principal, id: string, revision: number): Promise<RevisionView & { content: UseCaseContent }> {
    await this.get(principal, id);
    const [row] = await this.dataSource.query(
      `SELECT revision, content, content_hash AS "contentHash", changed_fields AS "changedFields", summary, author_id AS "authorId", created_at AS "createdAt"
       FROM use_case_revisions WHERE use_case_id = $1 AND revision = $2`,
      [id, revision],
    );
    if (!row) throw new NotFoundError(`Use case ${id} has no revision ${revision}.`);
    return row;
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
      const row = await this.lockForChange(tx, principal, id, options.access ?? 'write');
      const before = row.content;
      const after = edit(structuredClone(before));
      const hash = contentHash(after);
      if (hash === row.content_hash) return toUseCaseView(row);

      const derived = deriveTier(after.risks);
      const tier = effectiveTier(derived, after.tierOverride);
      const revision = row.revision + 1;
      const changed = changedFields(before, after);
      await tx.query(
        `UPDATE use_cases SET content = $2, content_hash = $3, revision = $4, tier = $5, derived_tier = $6, updated_at = now() WHERE id = $1`,
        [id, JSON.stringify(after), hash, revision, tier, derived],
      );
      await this.writeRevision(tx, id, revision, after, hash, changed, summary, principal);
      // In operate, a new intended use needs a new review: the one that passed approved another use.
      const rereview = row.stage === 'operate' && changed.includes('intendedUse');
      if (rereview) {
        await tx.query(`UPDATE use_cases SET rereview_reason = 'intended use changed', next_review_due = current_date WHERE id = $1`, [id]);
      }
      const facts: ContentChange = { revision, contentHash: hash, previousContentHash: row.content_hash, changedFields: changed, changes: contentDiff(before, after), tier, rereviewRequired: rereview };
      const event =
        options.action === 'use_case.tier_overridden' ? { action: options.action, data: { ...facts, ...options.data } }
        : options.action === 'evidence.attached' ? { action: options.action, data: { ...facts, ...options.data } }
        : { action: 'use_case.updated' as const, data: facts };
      await this.trail.record(tx, {
        ...event,
        target: { type: 'use_case', id },
        useCaseId: id,
        reason: options.reason,
        actor: toAuditActor(principal),
      });
      await this.reviews.afterContentChange(tx, toAuditActor(principal), { id, revision, contentHash: hash, tier });
      return toUseCaseView(await this.lockedRow(tx, id));
    };
    if (manager) return work(manager);
    const attempt = { actor: toAuditActor(principal), attempted: options.action ?? 'use_case.updated', target: { type: 'use_case', id }, useCaseId: id };
    return this.denials.watch(attempt, () => this.dataSource.transaction(work));
  }

  /**
   * Who stands in a use case's separation-of-duties rules: its two teams and
   * its authors. A revision that only records a tier decision is not
   * authorship: the assessor or lawyer who decided the tier stays independent.
   */
  async parties(manager: EntityManager, row: UseCaseRow): Promise<UseCaseParties> {
    return (await this.partiesOf(manager, [row])).get(row.id)!;
  }

  /** parties() for many use cases, in one query, by use case id. */
  async partiesOf(manager: EntityManager, rows: Pick<UseCaseRow, 'id' | 'developer_team_id' | 'deployer_team_id'>[]): Promise<Map<string, UseCaseParties>> {
    const authors: { use_case_id: string; author_ids: string[] }[] = rows.length
      ? await manager.query(
          `SELECT use_case_id, array_agg(DISTINCT author_id) AS author_ids FROM use_case_revisions
           WHERE use_case_id = ANY($1::uuid[]) AND NOT (changed_fields <@ ARRAY['tierOverride']::text[]) GROUP BY use_case_id`,
          [[...new Set(rows.map((row) => row.id))]],
        )
      : [];
    const authorIds = new Map(authors.map((a) => [a.use_case_id, a.author_ids]));
    return new Map(rows.map((row) => [row.id, { developerTeamId: row.developer_team_id, deployerTeamId: row.deployer_team_id, authorIds: authorIds.get(row.id) ?? [] }]));
  }

  /**
   * Which of these user ids belong to active people who may read the use case
   * (a member of its teams, or an organisation role that reads every use case).
   */
  async readersAmong(manager: EntityManager, userIds: string[], row: UseCaseRow): Promise<Set<string>> {
    if (!userIds.length) return new Set();
    const rows: { id: string }[] = await manager.query(
      `SELECT u.id FROM users u
       WHERE u.id = ANY($1::uuid[]) AND u.active AND u.kind = 'person'
         AND (EXISTS (SELECT 1 FROM team_members m WHERE m.user_id = u.id AND m.team_id IN ($2, $3))
              OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = ANY($4)))`,
      [userIds, row.developer_team_id, row.deployer_team_id, USE_CASE_READERS],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Would the caller be allowed to change this use case? Checked without a lock, before slow work; the change checks again under its lock. */
  async assertMayChange(principal: Principal, id: string): Promise<void> {
    const row = await this.findRow(this.dataSource.manager, id);
    assertUseCaseAccess(principal, asTeamOwned(row), 'write');
    if (row.stage === 'retired') throw new ConflictError('A retired use case is not changed any more.');
  }

  /** Locks the use case for the rest of the transaction, after checking the caller may change it. */
  async lockForChange(manager: EntityManager, principal: Principal, id: string, access: 'read' | 'write' = 'write'): Promise<UseCaseRow> {
    const row = await this.lockedRow(manager, id);
    assertUseCaseAccess(principal, asTeamOwned(row), access);
    if (row.stage === 'retired') throw new ConflictError('A retired use case is not changed any more.');
    return row;
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
    await manager.query(
      `INSERT INTO use_case_revisions (use_case_id, revision, content, content_hash, changed_fields, summary, author_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, revision, JSON.stringify(content), hash, changed, summary, principal.userId],
    );
  }

  /** The use case row (locked for the rest of the transaction with `lock`), or 404. */
  async findRow(manager: EntityManager, id: string, lock = false): Promise<UseCaseRow> {
    const [row]: UseCaseRow[] = await manager.query(`SELECT * FROM use_cases WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
    if (!row) throw new NotFoundError(`No use case with id ${id}.`);
    return row;
  }

  lockedRow(manager: EntityManager, id: string) {
    return this.findRow(manager, id, true);
  }
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
  };
}
