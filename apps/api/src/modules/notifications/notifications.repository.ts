import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { OrgRole, Principal, TeamRole } from '@app/auth';
import { PreparedStatement, rowsToEntities } from '@app/database';
import type { KeysetCursor } from '../../http/keyset-cursor';
import type { EmailState, MutableKind, NotificationKind } from './notification-kinds';
import { Notification } from './notification.entity';

/** A notification to write: the facts of one recipient and cause, and what it says. */
export interface NewNotification {
  recipientUserId: string;
  kind: NotificationKind;
  causeKey: string;
  useCaseId: string;
  subject: string;
  body: string;
  link: string;
  mandatory: boolean;
}

/** A claimed email: the notification and where it goes. */
export interface ClaimedEmail {
  id: string;
  subject: string;
  body: string;
  attempts: number;
  to: string;
  toName: string;
}

/**
 * The module's hand-written SQL: the one insert every cause goes through
 * (idempotent per recipient and cause), the worker's lease-based claims, the
 * paged list, and the questions asked of other modules' tables — who holds
 * a role (identity), which obligations and periodic reviews fall due
 * (gate reviews, use cases) — which this module reads but never writes.
 */
@Injectable()
export class NotificationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Writes the notifications in `manager`'s transaction. A notification whose
   * recipient was already told of that cause is skipped (the unique key), so
   * a repeated scan or a second instance adds nothing. Its email is 'off'
   * without SMTP, 'muted' when its recipient muted the kind (never a
   * mandatory one), else 'pending' for the worker. Returns the new ones.
   */
  async insert(manager: EntityManager, rows: NewNotification[], emailOn: boolean): Promise<{ id: string; emailState: EmailState }[]> {
    if (!rows.length) return [];
    // One order for every writer: two transactions inserting the same keys never wait on each other crosswise.
    const sorted = [...rows].sort((a, b) => `${a.recipientUserId}|${a.kind}|${a.causeKey}`.localeCompare(`${b.recipientUserId}|${b.kind}|${b.causeKey}`));
    const column = <K extends keyof NewNotification>(key: K) => sorted.map((row) => row[key]);
    const inserted: { id: string; email_state: EmailState }[] = await manager.query(
      `INSERT INTO notifications (recipient_user_id, kind, cause_key, use_case_id, subject, body, link, mandatory, email_state, next_attempt_at)
       SELECT r.recipient, r.kind, r.cause_key, r.use_case_id, r.subject, r.body, r.link, r.mandatory, s.state, CASE WHEN s.state = 'pending' THEN now() END
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::boolean[])
         AS r (recipient, kind, cause_key, use_case_id, subject, body, link, mandatory)
       CROSS JOIN LATERAL (
         SELECT CASE
           WHEN NOT $9::boolean THEN 'off'
           WHEN NOT r.mandatory AND EXISTS (SELECT 1 FROM notification_mutes m WHERE m.user_id = r.recipient AND m.kind = r.kind) THEN 'muted'
           ELSE 'pending' END AS state) s
       ON CONFLICT (recipient_user_id, kind, cause_key) DO NOTHING
       RETURNING id, email_state`,
      [column('recipientUserId'), column('kind'), column('causeKey'), column('useCaseId'), column('subject'), column('body'), column('link'), column('mandatory'), emailOn],
    );
    return inserted.map((row) => ({ id: row.id, emailState: row.email_state }));
  }

  /**
   * The active people who may hold one of these sign-off roles for a use
   * case of these teams, as principals the sign-off rules can judge: the
   * organisation roles they hold and their memberships of these teams.
   */
  async slotHolders(manager: EntityManager, teamIds: string[], roles: string[]): Promise<Principal[]> {
    const rows: { id: string; display_name: string; roles: OrgRole[]; teams: { teamId: string; role: TeamRole }[] }[] = await manager.query(
      `SELECT u.id, u.display_name,
              ARRAY(SELECT r.role FROM user_roles r WHERE r.user_id = u.id ORDER BY r.role) AS roles,
              COALESCE((SELECT json_agg(json_build_object('teamId', m.team_id, 'role', m.role) ORDER BY m.team_id, m.role)
                        FROM team_members m WHERE m.user_id = u.id AND m.team_id = ANY($1::uuid[])), '[]') AS teams
       FROM users u
       WHERE u.active AND u.kind = 'person'
         AND (EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = ANY($2::text[]))
              OR EXISTS (SELECT 1 FROM team_members m WHERE m.user_id = u.id AND m.team_id = ANY($1::uuid[]) AND m.role = ANY($2::text[])))
       ORDER BY u.id`,
      [teamIds, roles],
    );
    return rows.map((row) => ({ kind: 'user', userId: row.id, displayName: row.display_name, roles: row.roles, teams: row.teams }));
  }

  /** The active people on these teams (in any team role), and with `orgRoles`, the holders of those organisation roles. */
  async teamPeople(manager: EntityManager, teamIds: string[], orgRoles: OrgRole[] = []): Promise<string[]> {
    const rows = await TEAM_PEOPLE.rows<{ id: string }>(manager, [teamIds, orgRoles]);
    return rows.map((row) => row.id);
  }

  /**
   * Open obligations with an active owner, falling due within `days` (or
   * overdue), of use cases not retired, whose owner was not told yet.
   */
  async obligationsDueSoon(days: number, limit: number): Promise<DueObligation[]> {
    return this.dataSource.query(
      `SELECT o.id, o.description, o.due_date::text AS due_date, o.owner_id, o.use_case_id, o.review_id, r.gate, u.content->>'title' AS title
       FROM obligations o
       JOIN use_cases u ON u.id = o.use_case_id
       JOIN gate_reviews r ON r.id = o.review_id
       JOIN users p ON p.id = o.owner_id AND p.active AND p.kind = 'person'
       WHERE o.status = 'open' AND o.due_date <= current_date + $1::int AND u.stage <> 'retired'
         AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.recipient_user_id = o.owner_id AND n.kind = 'obligation_due' AND n.cause_key = 'obligation:' || o.id || ':due')
       ORDER BY o.due_date, o.id
       LIMIT $2`,
      [days, limit],
    );
  }

  /**
   * Operating use cases whose periodic review is due or overdue, or asked for
   * by a change — the condition of GET /api/reviews/overdue — not yet told
   * for this due date.
   */
  async reReviewsDue(limit: number): Promise<DueReReview[]> {
    return this.dataSource.query(
      `SELECT u.id, u.content->>'title' AS title, u.developer_team_id, u.deployer_team_id, u.next_review_due::text AS next_review_due, u.rereview_reason
       FROM use_cases u
       WHERE u.stage = 'operate' AND (u.next_review_due <= current_date OR u.rereview_reason IS NOT NULL)
         AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.kind = 're_review_due' AND n.cause_key = ${reReviewCauseSql('u')})
       ORDER BY u.next_review_due NULLS FIRST, u.id
       LIMIT $1`,
      [limit],
    );
  }

  async today(): Promise<string> {
    const [{ today }]: { today: string }[] = await this.dataSource.query('SELECT current_date::text AS today');
    return today;
  }

  // The worker's statements: each runs alone, so each is its own short transaction.

  /** Emails left 'sending' past their lease: their worker died between handing them over and recording it. Never sent again. */
  async expireLeases(): Promise<number> {
    const [rows] = (await this.dataSource.query(
      `UPDATE notifications SET email_state = 'uncertain', lease_until = NULL,
         last_error = 'the sending worker stopped before recording the outcome; not sent again, so it may not have arrived'
       WHERE email_state = 'sending' AND lease_until < now()
       RETURNING id`,
    )) as [{ id: string }[], number];
    return rows.length;
  }

  /** Claims up to `limit` pending emails that are due, with a lease of `leaseMs`: committed as 'sending' before anything is sent. */
  async claim(limit: number, leaseMs: number): Promise<ClaimedEmail[]> {
    const [rows] = (await this.dataSource.query(
      `WITH due AS (
         SELECT id FROM notifications WHERE email_state = 'pending' AND next_attempt_at <= now()
         ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
       UPDATE notifications n
       SET email_state = 'sending', lease_until = now() + $2 * interval '1 millisecond', next_attempt_at = NULL, email_attempts = n.email_attempts + 1
       FROM due, users u
       WHERE n.id = due.id AND u.id = n.recipient_user_id
       RETURNING n.id, n.subject, n.body, n.email_attempts, u.email, u.display_name`,
      [limit, leaseMs],
    )) as [{ id: string; subject: string; body: string; email_attempts: number; email: string; display_name: string }[], number];
    return rows.map((row) => ({ id: row.id, subject: row.subject, body: row.body, attempts: row.email_attempts, to: row.email, toName: row.display_name }));
  }

  /** The server took the message. Also after the lease ran out meanwhile: it did arrive. */
  async markSent(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE notifications SET email_state = 'sent', sent_at = now(), lease_until = NULL, last_error = NULL
       WHERE id = $1 AND email_state IN ('sending', 'uncertain')`,
      [id],
    );
  }

  /** The server refused (or could not be reached): try again after `retryInMs`. */
  async markRetry(id: string, retryInMs: number, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE notifications SET email_state = 'pending', next_attempt_at = now() + $2 * interval '1 millisecond', lease_until = NULL, last_error = $3
       WHERE id = $1 AND email_state IN ('sending', 'uncertain')`,
      [id, retryInMs, error],
    );
  }

  async markGivenUp(id: string, state: 'failed' | 'uncertain', error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE notifications SET email_state = $2, lease_until = NULL, last_error = $3 WHERE id = $1 AND email_state IN ('sending', 'uncertain')`,
      [id, state, error],
    );
  }

  // A person's own notifications.

  /** A page of the recipient's notifications, newest first, from the cursor on; one row more than the page, to tell whether another follows. */
  async page(userId: string, options: { unread: boolean; limit: number; before?: KeysetCursor }): Promise<{ items: Notification[]; next?: KeysetCursor }> {
    const params: unknown[] = [userId];
    let where = 'recipient_user_id = $1';
    if (options.unread) where += ' AND read_at IS NULL';
    if (options.before) {
      params.push(options.before.at, options.before.id);
      where += ` AND (created_at, id) < ($2::timestamptz, $3::uuid)`;
    }
    const rows: (Record<string, unknown> & { created_at_exact: string })[] = await this.dataSource.query(
      `SELECT *, created_at::text AS created_at_exact FROM notifications WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ${Number(options.limit) + 1}`,
      params,
    );
    const onPage = rows.slice(0, options.limit);
    const items = rowsToEntities(this.dataSource.manager, Notification, onPage);
    const last = onPage.at(-1);
    return { items, next: rows.length > options.limit && last ? { at: last.created_at_exact, id: items.at(-1)!.id } : undefined };
  }

  async unreadCount(userId: string): Promise<number> {
    const [{ count }]: { count: number }[] = await this.dataSource.query('SELECT count(*)::int AS count FROM notifications WHERE recipient_user_id = $1 AND read_at IS NULL', [userId]);
    return count;
  }

  /** Marks the recipient's notification read (the first reading is kept); undefined when it is not theirs. */
  async markRead(userId: string, id: string): Promise<Notification | undefined> {
    const result = await this.dataSource
      .getRepository(Notification)
      .createQueryBuilder()
      .update()
      .set({ readAt: () => 'COALESCE(read_at, now())' })
      .where('id = :id AND recipient_user_id = :userId', { id, userId })
      .returning('*')
      .execute();
    return rowsToEntities(this.dataSource.manager, Notification, result.raw)[0];
  }

  async mutedKinds(manager: EntityManager, userId: string): Promise<MutableKind[]> {
    const rows: { kind: MutableKind }[] = await manager.query('SELECT kind FROM notification_mutes WHERE user_id = $1 ORDER BY kind', [userId]);
    return rows.map((row) => row.kind);
  }

  /** Makes `kinds` exactly the muted kinds of the user. */
  async setMutedKinds(manager: EntityManager, userId: string, kinds: MutableKind[]): Promise<void> {
    await manager.query('DELETE FROM notification_mutes WHERE user_id = $1 AND NOT (kind = ANY($2::text[]))', [userId, kinds]);
    await manager.query(
      'INSERT INTO notification_mutes (user_id, kind) SELECT $1, k FROM unnest($2::text[]) AS k ON CONFLICT (user_id, kind) DO NOTHING',
      [userId, kinds],
    );
  }
}

/** The cause of a periodic-review notice: the use case and the due date it is about (a change asking for review sets it to the day). */
export function reReviewCause(useCaseId: string, nextReviewDue: string | null): string {
  return `use_case:${useCaseId}:re_review_due:${nextReviewDue ?? 'now'}`;
}

function reReviewCauseSql(alias: string): string {
  return `'use_case:' || ${alias}.id || ':re_review_due:' || COALESCE(${alias}.next_review_due::text, 'now')`;
}

export interface DueObligation {
  id: string;
  description: string;
  due_date: string;
  owner_id: string;
  use_case_id: string;
  review_id: string;
  gate: string;
  title: string;
}

export interface DueReReview {
  id: string;
  title: string;
  developer_team_id: string;
  deployer_team_id: string;
  next_review_due: string | null;
  rereview_reason: string | null;
}

/** Asked on every decision (who to tell): prepared. */
const TEAM_PEOPLE = new PreparedStatement(
  'team_people',
  `SELECT u.id FROM users u
   WHERE u.active AND u.kind = 'person'
     AND (EXISTS (SELECT 1 FROM team_members m WHERE m.user_id = u.id AND m.team_id = ANY($1::uuid[]))
          OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = ANY($2::text[])))
   ORDER BY u.id`,
);
