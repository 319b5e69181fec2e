import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AuditCheckpoints } from './audit-checkpoints.service';
import { checkpointDue } from './audit-signing';

/** How often the schedule looks at the head: often enough for a small event count, and one indexed read each time. */
const POLL_MS_MAX = 2_000;

/**
 * Signs a checkpoint every GATEHOUSE_CHECKPOINT_EVERY_EVENTS events, or every
 * GATEHOUSE_CHECKPOINT_EVERY_SECONDS when the head moved. It polls the head
 * and the last checkpoint in the database, so several processes share the
 * schedule (the first to insert a checkpoint at a seq wins). A failed round is
 * logged and retried at the next tick; the timer never keeps the process alive
 * and stops (waiting for a round in progress) at shutdown.
 *
 * Provided by the service (AuditApiModule), not by the command-line tools.
 */
@Injectable()
export class AuditCheckpointSchedule implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AuditCheckpoints');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly checkpoints: AuditCheckpoints,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const pollMs = Math.min(POLL_MS_MAX, this.config.audit.checkpointEverySeconds * 1000);
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.tick().finally(() => (this.running = undefined));
    }, pollMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One round: sign the head if a checkpoint is due. Never throws. */
  async tick(now = new Date()): Promise<void> {
    try {
      const [head, last] = await Promise.all([this.checkpoints.readHead(), this.checkpoints.latest()]);
      const policy = { everyEvents: this.config.audit.checkpointEveryEvents, everySeconds: this.config.audit.checkpointEverySeconds };
      if (!checkpointDue(head, last, policy, now)) return;
      const checkpoint = await this.checkpoints.checkpointAt(head);
      this.logger.debug({ seq: checkpoint.seq, keyId: checkpoint.keyId }, 'signed an audit checkpoint');
    } catch (error) {
      this.logger.error({ err: error }, 'could not sign a scheduled audit checkpoint; retrying at the next tick');
    }
  }
}
