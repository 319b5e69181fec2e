import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditTrail } from '@app/audit';
import { Principal } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { NotFoundError } from '@app/errors';
import { decodeKeysetCursor, encodeKeysetCursor } from '../../http/keyset-cursor';
import { NotificationsQuery, NotificationPreferencesDto } from './dto/notification.dto';
import { decisionRecorded, Message, obligationDue, ReviewFacts, ReviewOutcome, reReviewDue, SignOffFacts, signOffNeeded, UseCaseFacts } from './notification-content';
import { isMandatory, KIND_DESCRIPTIONS, MutableKind, NOTIFICATION_KINDS, NotificationKind } from './notification-kinds';
import { Notification } from './notification.entity';
import { NotificationMailer } from './notification-mailer';
import { MandatoryKindCannotBeMuted } from './notifications.errors';
import { NewNotification, NotificationsRepository, reReviewCause } from './notifications.repository';

/** A use case as a notice about it needs it: its title (named in every message) and its teams (told of decisions). */
export interface NoticeUseCase extends UseCaseFacts {
  developerTeamId: string;
  deployerTeamId: string;
}

/** Who is asked to sign, in which roles: decided by the caller with the sign-off rules. */
export interface SignOffAsk {
  userId: string;
  roles: string[];
}

/** Rows a scan writes at most per round: a backlog drains over the next rounds. */
const SCAN_BATCH = 500;

/**
 * Notifications, for the modules that cause them and for the people who get
 * them. Causes write in their own transaction (the `manager` they pass), so
 * a notification exists exactly when its change committed; the email is sent
 * after commit by NotificationMailer. This module owns `notifications` and
 * `notification_mutes`, and imports no module that calls it: callers hand
 * over plain facts and the people they chose, and the words are composed here.
 */
@Injectable()
export class NotificationsService {
  private readonly emailOn: boolean;
  private readonly baseUrl: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: NotificationsRepository,
    private readonly trail: AuditTrail,
    private readonly mailer: NotificationMailer,
  ) {
    this.emailOn = Boolean(config.notifications.smtpUrl);
    this.baseUrl = config.notifications.publicUrl;
  }

  /**
   * The active people who may hold one of `roles` for a use case of these
   * teams, as principals, for the caller's sign-off rules to judge.
   */
  slotHolders(manager: EntityManager, teamIds: string[], roles: string[]): Promise<Principal[]> {
    if (!roles.length) return Promise.resolve([]);
    return this.repository.slotHolders(manager, teamIds, roles);
  }

  /**
   * Tells each asked person their sign-off is needed (mandatory). Once per
   * person for the opening of a review, and once per revision a change asks
   * again at (`again`).
   */
  async askForSignOffs(manager: EntityManager, input: { useCase: UseCaseFacts; review: ReviewFacts; asks: SignOffAsk[]; again: boolean }): Promise<number> {
    const { useCase, review, again } = input;
    const causeKey = again ? `review:${review.id}:r${review.revision}` : `review:${review.id}:opened`;
    const rows = input.asks
      .filter((ask) => ask.roles.length)
      .map((ask) => this.row(ask.userId, useCase.id, causeKey, signOffNeeded(this.baseUrl, useCase, review, ask.roles, again)));
    return this.write(manager, rows);
  }

  /** Tells the use case's teams (but not the signer) of a decision on its review, and where the review stands after it. */
  async tellTeamOfDecision(
    manager: EntityManager,
    input: { useCase: NoticeUseCase; review: ReviewFacts; signOff: SignOffFacts & { id: string; signerId: string }; outcome: ReviewOutcome },
  ): Promise<number> {
    const { useCase, review, signOff, outcome } = input;
    const people = await this.repository.teamPeople(manager, [useCase.developerTeamId, useCase.deployerTeamId]);
    const message = decisionRecorded(this.baseUrl, useCase, review, signOff, outcome);
    const rows = people.filter((id) => id !== signOff.signerId).map((id) => this.row(id, useCase.id, `sign_off:${signOff.id}`, message));
    return this.write(manager, rows);
  }

  /** Owners of open obligations falling due within the configured days: told once per obligation. */
  async scanObligationsDue(): Promise<number> {
    const due = await this.repository.obligationsDueSoon(this.config.notifications.obligationNoticeDays, SCAN_BATCH);
    if (!due.length) return 0;
    const today = await this.repository.today();
    const rows = due.map((o) =>
      this.row(o.owner_id, o.use_case_id, `obligation:${o.id}:due`, obligationDue(this.baseUrl, { id: o.use_case_id, title: o.title }, { id: o.id, description: o.description, dueDate: o.due_date, gate: o.gate, reviewId: o.review_id }, today)),
    );
    return this.write(this.dataSource.manager, rows);
  }

  /** The teams and the compliance officers of operating use cases whose periodic review is due: told once per due date. */
  async scanReReviewsDue(): Promise<number> {
    const due = await this.repository.reReviewsDue(SCAN_BATCH);
    if (!due.length) return 0;
    const today = await this.repository.today();
    const rows: NewNotification[] = [];
    for (const useCase of due) {
      const people = await this.repository.teamPeople(this.dataSource.manager, [useCase.developer_team_id, useCase.deployer_team_id], ['compliance_officer']);
      const message = reReviewDue(this.baseUrl, { id: useCase.id, title: useCase.title }, { nextReviewDue: useCase.next_review_due, reason: useCase.rereview_reason }, today);
      rows.push(...people.map((id) => this.row(id, useCase.id, reReviewCause(useCase.id, useCase.next_review_due), message)));
    }
    return this.write(this.dataSource.manager, rows);
  }

  // The recipient's own side.

  async list(principal: Principal, query: NotificationsQuery) {
    // The cursor was checked by the DTO; a second decode only narrows its type.
    const before = query.cursor ? decodeKeysetCursor(query.cursor) : undefined;
    const [page, unreadCount] = await Promise.all([
      this.repository.page(principal.userId, { unread: query.unread ?? false, limit: query.limit, before }),
      this.repository.unreadCount(principal.userId),
    ]);
    return { items: page.items.map(notificationView), nextCursor: page.next ? encodeKeysetCursor(page.next.at, page.next.id) : null, unreadCount };
  }

  async markRead(principal: Principal, id: string) {
    // Reading is the recipient's own bookkeeping, not a change to anything governed: it is not audited.
    const notification = await this.repository.markRead(principal.userId, id);
    if (!notification) throw new NotFoundError(`No notification with id ${id}.`);
    return notificationView(notification);
  }

  async preferences(principal: Principal) {
    return preferencesView(await this.repository.mutedKinds(this.dataSource.manager, principal.userId));
  }

  /** Makes `muted` the kinds the caller is not emailed; a mandatory kind in the list refuses the whole change. */
  async setPreferences(principal: Principal, input: NotificationPreferencesDto) {
    const mandatory = input.muted.flatMap((kind, index) => (isMandatory(kind) ? [{ index, kind }] : []));
    if (mandatory.length) throw new MandatoryKindCannotBeMuted(mandatory);
    const muted = [...new Set(input.muted as MutableKind[])].sort();
    return this.dataSource.transaction(async (tx) => {
      const before = await this.repository.mutedKinds(tx, principal.userId);
      if (before.join() !== muted.join()) {
        await this.repository.setMutedKinds(tx, principal.userId, muted);
        await this.trail.record(tx, {
          action: 'notification_preferences.changed',
          target: { type: 'user', id: principal.userId },
          before: { muted: before },
          after: { muted },
        });
      }
      return preferencesView(muted);
    });
  }

  /** Writes in `manager`'s transaction; what is to be emailed goes out when it commits. Returns how many were new. */
  private async write(manager: EntityManager, rows: NewNotification[]): Promise<number> {
    const written = await this.repository.insert(manager, rows, this.emailOn);
    if (written.some((row) => row.emailState === 'pending')) this.mailer.sendAfterCommit(manager);
    return written.length;
  }

  private row(recipientUserId: string, useCaseId: string, causeKey: string, message: Message): NewNotification {
    return { recipientUserId, useCaseId, causeKey, kind: message.kind, subject: message.subject, body: message.body, link: message.link, mandatory: isMandatory(message.kind) };
  }
}

function notificationView(n: Notification) {
  return {
    id: n.id,
    kind: n.kind,
    useCaseId: n.useCaseId,
    subject: n.subject,
    body: n.body,
    link: n.link,
    mandatory: n.mandatory,
    createdAt: n.createdAt.toISOString(),
    readAt: n.readAt?.toISOString() ?? null,
    email: { state: n.emailState, attempts: n.emailAttempts, sentAt: n.sentAt?.toISOString() ?? null, lastError: n.lastError },
  };
}

function preferencesView(muted: string[]) {
  return {
    kinds: NOTIFICATION_KINDS.map((kind: NotificationKind) => ({ kind, description: KIND_DESCRIPTIONS[kind], mandatory: isMandatory(kind), muted: muted.includes(kind) })),
  };
}
