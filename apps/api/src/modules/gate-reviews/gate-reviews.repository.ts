import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '@app/auth';
import { entityColumns, PreparedStatement, rowsToEntities } from '@app/database';
import type { KeysetCursor } from '../../http/keyset-cursor';
import { readsEveryUseCase, visibleUseCasesSql } from '../use-cases/use-case-access';
import { GateReview } from './gate-review.entity';
import { SignOff } from './sign-off.entity';

/** An open review that may wait for the caller, with its use case's two teams and title. */
export interface InboxCandidate {
  review: GateReview;
  developerTeamId: string;
  deployerTeamId: string;
  title: string;
}

/** A page of candidates, and where the next page starts (none after the last). */
export interface InboxCandidates {
  candidates: InboxCandidate[];
  next: KeysetCursor | undefined;
}

/**
 * The module's hand-written SQL: set-based reads where one query does the
 * work of one per review, and the latest-decision-per-signer rule, which is
 * stated here once for one review and for many.
 */
@Injectable()
export class GateReviewsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Closes a review with `status`, at the database's time; the row as stored. */
  async close(manager: EntityManager, id: string, status: GateReview['status']): Promise<GateReview> {
    const result = await manager.getRepository(GateReview).createQueryBuilder().update().set({ status, closedAt: () => 'now()' }).where('id = :id', { id }).returning('*').execute();
    return rowsToEntities(manager, GateReview, result.raw)[0];
  }

  /**
   * A page of the open reviews, oldest first, on use cases the principal may
   * see, not opened by them, with a slot of a role they hold for that use case
   * still short of its quorum of current approvals. A narrowing, not the rule:
   * checkSignOff still decides on each of these. Reads one row past the page,
   * to tell whether there is a next one.
   *
   * Two plans, chosen by who asks, because each is fast for one kind of reader
   * and slow for the other:
   * - Someone who reads every use case walks gate_reviews_open_by_age from the
   *   cursor, testing reviews only until the page is full.
   * - A team member's visible open reviews are a materialised step of their
   *   own: planned together with the slot test (whose cost PostgreSQL cannot
   *   estimate), their few use cases would be joined to every open review of
   *   the organisation instead of looked up through gate_reviews_one_open.
   */
  async inboxCandidates(principal: Principal, page: { limit: number; after?: KeysetCursor }): Promise<InboxCandidates> {
    const params: unknown[] = [principal.userId, principal.roles, principal.teams.map((m) => m.teamId), principal.teams.map((m) => m.role)];
    let after = '';
    if (page.after) {
      params.push(page.after.at, page.after.id);
      after = `AND (r.opened_at, r.id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
    }
    const visible = `SELECT r.*, u.developer_team_id, u.deployer_team_id, u.content->>'title' AS use_case_title
       FROM gate_reviews r JOIN use_cases u ON u.id = r.use_case_id
       WHERE r.status = 'open' AND r.opened_by <> $1 ${after} AND ${visibleUseCasesSql(principal, 'u', params)}`;
    const waitingForMe = `SELECT r.*, r.opened_at::text AS opened_at_text FROM %SOURCE% r
       WHERE EXISTS (
         SELECT 1 FROM jsonb_to_recordset(r.slots) AS slot (role text, quorum int)
         WHERE (slot.role = ANY($2::text[])
                OR EXISTS (SELECT 1 FROM unnest($3::uuid[], $4::text[]) AS m (team_id, role)
                           WHERE m.role = slot.role AND m.team_id IN (r.developer_team_id, r.deployer_team_id)))
           AND slot.quorum > (
             SELECT count(*) FROM (
               SELECT DISTINCT ON (s.signer_id) s.role, s.decision, s.content_hash FROM sign_offs s
               WHERE s.review_id = r.id ORDER BY s.signer_id, s.created_at DESC, s.id DESC
             ) AS latest
             WHERE latest.role = slot.role AND latest.decision = 'approve' AND latest.content_hash = r.content_hash))
       ORDER BY r.opened_at, r.id
       LIMIT ${Number(page.limit) + 1}`;
    const sql = readsEveryUseCase(principal)
      ? waitingForMe.replace('%SOURCE%', `(${visible})`)
      : `WITH visible_open AS MATERIALIZED (${visible}) ${waitingForMe.replace('%SOURCE%', 'visible_open')}`;
    const rows: (Record<string, unknown> & { developer_team_id: string; deployer_team_id: string; use_case_title: string; opened_at_text: string })[] = await this.dataSource.query(sql, params);
    const onPage = rows.slice(0, page.limit);
    const reviews = rowsToEntities(this.dataSource.manager, GateReview, onPage);
    const last = onPage.at(-1);
    return {
      candidates: onPage.map((row, index) => ({ review: reviews[index], developerTeamId: row.developer_team_id, deployerTeamId: row.deployer_team_id, title: row.use_case_title })),
      next: rows.length > page.limit && last ? { at: last.opened_at_text, id: reviews.at(-1)!.id } : undefined,
    };
  }

  /** Each signer's latest decision on each of the reviews, by review id: the decisions that count. */
  async currentDecisions(manager: EntityManager, reviewIds: string[]): Promise<Map<string, SignOff[]>> {
    const latest = rowsToEntities(manager, SignOff, await CURRENT_DECISIONS.rows(manager, [reviewIds]));
    const byReview = new Map<string, SignOff[]>(reviewIds.map((id) => [id, []]));
    for (const decision of latest) byReview.get(decision.reviewId)!.push(decision);
    return byReview;
  }

  /** The review, locked until `manager`'s transaction ends; undefined when there is none. */
  async lockReview(manager: EntityManager, id: string): Promise<GateReview | undefined> {
    return rowsToEntities(manager, GateReview, await LOCK_REVIEW.rows(manager, [id]))[0];
  }

  /** Records a decision; the row as stored (its id and time are the database's). */
  async insertSignOff(manager: EntityManager, decision: Omit<SignOff, 'id' | 'createdAt'>): Promise<SignOff> {
    const rows = await INSERT_SIGN_OFF.rows(manager, [
      decision.reviewId, decision.signerId, decision.role, decision.decision, decision.comment, JSON.stringify(decision.conditions), decision.revision, decision.contentHash, decision.supersedes,
    ]);
    return rowsToEntities(manager, SignOff, rows)[0];
  }

  /** The display names of these users (deactivated ones included: a review names whoever took part), by id. */
  async displayNames(manager: EntityManager, userIds: string[]): Promise<{ id: string; displayName: string }[]> {
    if (!userIds.length) return [];
    return manager.query('SELECT id, display_name AS "displayName" FROM users WHERE id = ANY($1::uuid[]) ORDER BY display_name, id', [userIds]);
  }

  /** Operating use cases the principal may see whose periodic review is due, or whose intended use changed. */
  overdue(principal: Principal): Promise<OverdueRow[]> {
    const params: unknown[] = [];
    return this.dataSource.query(
      `SELECT u.id, u.content->>'title' AS title, u.tier, u.next_review_due, u.rereview_reason
       FROM use_cases u WHERE u.stage = 'operate' AND (u.next_review_due <= current_date OR u.rereview_reason IS NOT NULL)
       AND ${visibleUseCasesSql(principal, 'u', params)} ORDER BY u.next_review_due NULLS FIRST`,
      params,
    );
  }
}

export interface OverdueRow {
  id: string;
  title: string;
  tier: string;
  next_review_due: Date | null;
  rereview_reason: string | null;
}

// A decision's own statements, prepared: they run on every sign-off.
const CURRENT_DECISIONS = new PreparedStatement(
  'current_decisions',
  (dataSource) => `SELECT DISTINCT ON (s.review_id, s.signer_id) ${entityColumns(dataSource, SignOff, 's')} FROM sign_offs s
    WHERE s.review_id = ANY($1::uuid[])
    ORDER BY s.review_id, s.signer_id, s.created_at DESC, s.id DESC`,
);
const LOCK_REVIEW = new PreparedStatement('lock_review', (dataSource) => `SELECT ${entityColumns(dataSource, GateReview, 'r')} FROM gate_reviews r WHERE r.id = $1 FOR UPDATE`);
const INSERT_SIGN_OFF = new PreparedStatement(
  'insert_sign_off',
  (dataSource) => `INSERT INTO sign_offs AS s (review_id, signer_id, role, decision, comment, conditions, revision, content_hash, supersedes)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${entityColumns(dataSource, SignOff, 's')}`,
);
