import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Principal } from '@app/auth';
import { visibleUseCasesSql } from '../use-cases/use-case-access';
import { ReviewRow, SignOffRow } from './gate-review.rows';

/** An open review that may wait for the caller, with its use case's two teams. */
export type InboxCandidate = ReviewRow & { developer_team_id: string; deployer_team_id: string };

/** Set-based reads of gate reviews and their sign-offs, where one query does the work of one per review. */
@Injectable()
export class GateReviewsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The open reviews, oldest first, on use cases the principal may see, not
   * opened by them, with a slot of a role they hold for that use case still
   * short of its quorum of current approvals. A narrowing, not the rule:
   * checkSignOff still decides on each of these.
   *
   * The visible open reviews are a materialised step of their own: planned
   * together with the slot test (whose cost PostgreSQL cannot estimate), a
   * developer's few use cases would be joined to every open review of the
   * organisation instead of looked up through gate_reviews_one_open.
   */
  inboxCandidates(principal: Principal): Promise<InboxCandidate[]> {
    const params: unknown[] = [principal.userId, principal.roles, principal.teams.map((m) => m.teamId), principal.teams.map((m) => m.role)];
    return this.dataSource.query(
      `WITH visible_open AS MATERIALIZED (
         SELECT r.*, u.developer_team_id, u.deployer_team_id
         FROM gate_reviews r JOIN use_cases u ON u.id = r.use_case_id
         WHERE r.status = 'open' AND r.opened_by <> $1 AND ${visibleUseCasesSql(principal, 'u', params)}
       )
       SELECT * FROM visible_open r
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
       ORDER BY r.opened_at, r.id`,
      params,
    );
  }

  /** Each signer's latest decision on each of the reviews, by review id. */
  async currentDecisions(reviewIds: string[]): Promise<Map<string, SignOffRow[]>> {
    const rows: (SignOffRow & { review_id: string })[] = await this.dataSource.query(
      `SELECT DISTINCT ON (review_id, signer_id) * FROM sign_offs WHERE review_id = ANY($1::uuid[]) ORDER BY review_id, signer_id, created_at DESC, id DESC`,
      [reviewIds],
    );
    const byReview = new Map<string, SignOffRow[]>(reviewIds.map((id) => [id, []]));
    for (const row of rows) byReview.get(row.review_id)!.push(row);
    return byReview;
  }
}
