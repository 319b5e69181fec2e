import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createTransport, Transporter } from 'nodemailer';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { afterFailure, describeSendError, SendError } from './delivery.policy';
import { ClaimedEmail, NotificationsRepository } from './notifications.repository';

/** Emails claimed per round; the round goes on at once while rounds come back full. */
const BATCH = 10;
/** Connections to the mail server at once, per instance. */
const CONNECTIONS = 3;
/**
 * How long a claim holds. A send gives up well within it (the timeouts
 * below), so a claim still 'sending' past it means its worker died between
 * handing the message over and recording that: it becomes 'uncertain'.
 */
const LEASE_MS = 5 * 60_000;
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/**
 * Sends notification emails after commit, at most once each, from every
 * instance. Each round: emails left 'sending' past their lease become
 * 'uncertain' (never sent again); due 'pending' ones are claimed with a lease
 * and committed as 'sending' in one short statement (FOR UPDATE SKIP LOCKED,
 * so two instances never claim the same row); then they are sent with no
 * transaction or connection held; then each outcome is recorded in a
 * statement of its own — 'sent', or by delivery.policy.ts after a failure.
 * Rounds start every GATEHOUSE_NOTIFICATION_POLL_MS, and at once when a
 * transaction of this instance that wrote notifications commits
 * (sendAfterCommit): the poll is for what other instances and the scans wrote.
 * Without GATEHOUSE_SMTP_URL nothing runs: notifications are stored with
 * email 'off' and the start says so once.
 */
@Injectable()
export class NotificationMailer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Notifications');
  private transport: Transporter | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** Asked for while a round ran: it may have claimed before the asker's rows committed, so another round follows. */
  private again = false;
  private stopped = false;
  /** Transactions that wrote pending emails: a round starts when they commit. */
  private readonly committing = new WeakSet<QueryRunner>();
  private readonly messageIdDomain: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: NotificationsRepository,
  ) {
    this.messageIdDomain = new URL(config.notifications.publicUrl).hostname || 'gatehouse.invalid';
  }

  onApplicationBootstrap(): void {
    const { smtpUrl, pollMs } = this.config.notifications;
    if (!smtpUrl) {
      this.logger.log('email is off (GATEHOUSE_SMTP_URL is not set): notifications are stored and listed at GET /api/me/notifications, not emailed');
      return;
    }
    this.transport = createTransport({ url: smtpUrl, pool: true, maxConnections: CONNECTIONS, ...TIMEOUTS });
    const server = new URL(smtpUrl);
    this.logger.log({ smtp: `${server.protocol}//${server.host}`, pollMs }, 'email notifications are on');
    this.timer = setInterval(() => this.poke(), pollMs);
    this.timer.unref();
    // TypeORM tells every subscriber of every commit; only the transactions noted by sendAfterCommit start a round.
    this.dataSource.subscribers.push({
      afterTransactionCommit: ({ queryRunner }: { queryRunner: QueryRunner }) => {
        if (!queryRunner.isTransactionActive && this.committing.delete(queryRunner)) this.poke();
      },
    });
  }

  /**
   * Pending emails were written in `manager`'s transaction: send them as soon
   * as it commits, not at the next poll. Outside a transaction, now. Nothing
   * happens when it rolls back.
   */
  sendAfterCommit(manager: EntityManager): void {
    if (!this.transport) return;
    const runner = manager.queryRunner;
    if (runner?.isTransactionActive) this.committing.add(runner);
    else this.poke();
  }

  /** Stops polling, lets the round in progress finish (and record its outcomes), and closes the connections. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    this.transport?.close();
  }

  /** Starts a round, or another one after the round that is running. */
  poke(): void {
    if (this.stopped || !this.transport) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.drain();
      } while (this.again && !this.stopped);
    })()
      .catch((error: unknown) => this.logger.error({ err: error }, 'a notification round failed; the next poll tries again'))
      .finally(() => (this.running = undefined));
  }

  /** Rounds until nothing is due. Resolves when done; exposed for tests and the benchmark. */
  async drain(): Promise<void> {
    if (!this.transport) return;
    const expired = await this.repository.expireLeases();
    if (expired) this.logger.warn({ expired }, 'emails left sending by a stopped worker are now uncertain; they are not sent again');
    for (;;) {
      if (this.stopped) return;
      const claimed = await this.repository.claim(BATCH, LEASE_MS);
      await Promise.all(claimed.map((email) => this.send(email)));
      if (claimed.length < BATCH) return;
    }
  }

  private async send(email: ClaimedEmail): Promise<void> {
    try {
      await this.transport!.sendMail({
        from: this.config.notifications.mailFrom,
        to: { name: email.toName, address: email.to },
        subject: email.subject,
        text: email.body,
        // The same id on every attempt: a receiving system can tell a copy, and the id names the notification.
        messageId: `<notification.${email.id}@${this.messageIdDomain}>`,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Gatehouse-Notification': email.id },
      });
    } catch (error) {
      const failure = error as SendError;
      const outcome = afterFailure(failure, email.attempts, this.config.notifications);
      const described = describeSendError(failure);
      if (outcome.state === 'pending') await this.repository.markRetry(email.id, outcome.retryInMs, described);
      else await this.repository.markGivenUp(email.id, outcome.state, described);
      this.logger.warn({ notification: email.id, attempts: email.attempts, outcome: outcome.state, error: described }, 'a notification email was not sent');
      return;
    }
    // Sent: if recording it fails (or the process dies here), the lease runs out and the email becomes 'uncertain', never sent twice.
    await this.repository.markSent(email.id);
  }
}
