import { EntityManager } from 'typeorm';
import { Principal } from '@app/auth';
import { entityColumns, PreparedStatement, rowsToEntities } from '@app/database';
import { ListUseCasesQuery } from './dto/use-case.dto';
import type { KeysetCursor } from '../../http/keyset-cursor';
import { USE_CASE_READERS, visibleUseCasesSql } from './use-case-access';
import { UseCase } from './use-case.entity';

/**
 * The hand-written SQL of the use-case registry, where set-based SQL is the
 * better tool: the visible, filtered, cursor-paged list; the authors of many
 * use cases at once; and the questions asked of identity's tables (teams,
 * members, roles), which use-cases reads but does not own.
 */

/** How many of these team ids name existing teams. */
export async function countExistingTeams(manager: EntityManager, teamIds: string[]): Promise<number> {
  const rows: unknown[] = await manager.query('SELECT id FROM teams WHERE id = ANY($1)', [teamIds]);
  return rows.length;
}

export interface UseCasePage {
  useCases: UseCase[];
  /** created_at of the last row as text: it keeps the microseconds a JavaScript Date would drop from the cursor. */
  lastCreatedAt: string | undefined;
  hasMore: boolean;
}

/**
 * One page of the use cases the principal may see, in (created_at, id) order
 * from the cursor on, read along the use_cases_created index.
 */
export async function pageOfVisibleUseCases(manager: EntityManager, principal: Principal, query: ListUseCasesQuery, after: KeysetCursor | undefined): Promise<UseCasePage> {
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
  if (after) {
    params.push(after.at, after.id);
    conditions.push(`(created_at, id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
  }
  const rows: (Record<string, unknown> & { created_at_exact: string })[] = await manager.query(
    `SELECT *, created_at::text AS created_at_exact FROM use_cases ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY created_at, id LIMIT ${query.limit + 1}`,
    params,
  );
  const page = rows.slice(0, query.limit);
  return { useCases: rowsToEntities(manager, UseCase, page), lastCreatedAt: page.at(-1)?.created_at_exact, hasMore: rows.length > query.limit };
}

/**
 * Everyone who authored a revision of each use case, by use case id. A
 * revision that only records a tier decision is not authorship.
 */
export async function authorsOf(manager: EntityManager, useCaseIds: string[]): Promise<Map<string, string[]>> {
  if (!useCaseIds.length) return new Map();
  const rows = await AUTHORS_OF.rows<{ use_case_id: string; author_ids: string[] }>(manager, [useCaseIds]);
  return new Map(rows.map((row) => [row.use_case_id, row.author_ids]));
}

/** Read by every decision and every content change: prepared. */
const AUTHORS_OF = new PreparedStatement(
  'authors_of_use_cases',
  `SELECT use_case_id, array_agg(DISTINCT author_id) AS author_ids FROM use_case_revisions
   WHERE use_case_id = ANY($1::uuid[]) AND NOT (changed_fields <@ ARRAY['tierOverride']::text[]) GROUP BY use_case_id`,
);

/** Which of these user ids are active people who are members of either team or hold a role that reads every use case. */
export async function activeReadersAmong(manager: EntityManager, userIds: string[], developerTeamId: string, deployerTeamId: string): Promise<Set<string>> {
  if (!userIds.length) return new Set();
  const rows: { id: string }[] = await manager.query(
    `SELECT u.id FROM users u
     WHERE u.id = ANY($1::uuid[]) AND u.active AND u.kind = 'person'
       AND (EXISTS (SELECT 1 FROM team_members m WHERE m.user_id = u.id AND m.team_id IN ($2, $3))
            OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = ANY($4)))`,
    [userIds, developerTeamId, deployerTeamId, USE_CASE_READERS],
  );
  return new Set(rows.map((row) => row.id));
}

/**
 * The use case of a gate review, row-locked (FOR UPDATE) for the rest of the
 * transaction, found through the review in the same statement: a decision
 * takes its first lock in one round trip.
 */
export async function lockedUseCaseOfReview(manager: EntityManager, reviewId: string): Promise<UseCase | undefined> {
  return rowsToEntities(manager, UseCase, await LOCK_USE_CASE_OF_REVIEW.rows(manager, [reviewId]))[0];
}

/** Every decision starts here: prepared. */
const LOCK_USE_CASE_OF_REVIEW = new PreparedStatement(
  'lock_use_case_of_review',
  (dataSource) => `SELECT ${entityColumns(dataSource, UseCase, 'u')} FROM use_cases u WHERE u.id = (SELECT r.use_case_id FROM gate_reviews r WHERE r.id = $1) FOR UPDATE OF u`,
);
