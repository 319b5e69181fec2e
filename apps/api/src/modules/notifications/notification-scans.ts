import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { NotificationsService } from './notifications.service';

/** The first scan waits this long after start, so that starting is not slowed by it. */
const FIRST_SCAN_MS = 5_000;

/**
 * What no single change causes but the calendar does: obligations falling
 * due, periodic reviews due. Every GATEHOUSE_NOTIFICATION_SCAN_SECONDS each
 * instance looks for them and writes the notifications not written yet; the
 * unique key (recipient, kind, cause) makes a repeated or concurrent scan
 * add nothing, so instances need not agree on who scans.
 */
@Injectable()
export class NotificationScans implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('NotificationScans');
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<unknown> | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly notifications: NotificationsService,
  ) {}

  onApplicationBootstrap(): void {
    const start = () => {
      if (!this.running) this.running = this.scan().finally(() => (this.running = undefined));
    };
    this.timers.push(setTimeout(start, Math.min(FIRST_SCAN_MS, this.config.notifications.scanSeconds * 1000)).unref());
    this.timers.push(setInterval(start, this.config.notifications.scanSeconds * 1000).unref());
  }

  async onModuleDestroy(): Promise<void> {
    this.timers.forEach((timer) => clearTimeout(timer));
    await this.running;
  }

  /** One round of both scans. Never throws: a failed scan is logged and tried at the next round. */
  async scan(): Promise<{ obligations: number; reReviews: number }> {
    const result = { obligations: 0, reReviews: 0 };
    try {
      result.obligations = await this.notifications.scanObligationsDue();
      result.reReviews = await this.notifications.scanReReviewsDue();
      if (result.obligations || result.reReviews) this.logger.log(result, 'wrote due-soon notifications');
    } catch (error) {
      this.logger.error({ err: error }, 'a due-soon notification scan failed; the next round tries again');
    }
    return result;
  }
}
