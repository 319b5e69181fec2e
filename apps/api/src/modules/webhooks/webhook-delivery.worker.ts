import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { AuditEvent, AuditFeed, AuditSealer, AuditTrail, selectActions } from '@app/audit';
import { APP_CONFIG, AppConfig } from '@app/config';
import { retryDelayMs, shouldPark } from './retry.policy';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { sendWebhook, SendOutcome } from './webhook-sender';
import { signWebhook } from './webhook-signature';
import { checkTarget } from './webhook-target';
import { LeaseGuard, WebhooksRepository } from './webhooks.repository';
import { originOf, webhookActor } from './webhook-facts';

/** Endpoints one instance delivers to at once. */
const MAX_CONCURRENT_ENDPOINTS = 16;
/** Sealed events read per round trip; each is still its own request, in seq order. */
const BATCH = 10;
/** Rounds of BATCH one lease may run before the endpoint is handed back for anyone to claim. */
const MAX_BATCHES_PER_LEASE = 10;
/** A lease outlasts the longest send it covers (resolve + request) by this much. */
const LEASE_MARGIN_MS = 2_000;
/** A request starts only if it would end this long before the lease (as this process counts it) runs out. */
const SEND_SLACK_MS = 1_000;

/**
 * Delivers the sealed audit trail to webhook endpoints: at least once, in seq
 * order per endpoint. Every instance runs one, on a timer; an endpoint is
 * delivered to by whoever leases it (WebhooksRepository.claim), so two
 * instances never send to the same endpoint at once. No transaction or
 * connection is held while a receiver answers: the claim, and each outcome,
 * are short transactions of their own; an outcome is written only while the
 * lease still holds. An instance that dies mid-delivery leaves a lease that
 * runs out, and the next claim sends the event again (its webhook-id tells a
 * receiver it is the same).
 */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('WebhookDelivery');
  /** Names this process in leases and in the attempts it logs. */
  readonly instance = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly running = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  /** Events were sealed while a look was under way: look again as soon as it ends. */
  private lookAgain = false;
  private stopListening: (() => void) | undefined;
  /**
   * Whether this process knows of an endpoint to deliver to. A look prompted
   * by a seal is skipped without one: with no webhook registered (the usual
   * case) the claim finds nothing, and it was one statement more for every
   * request that changed something. The poll keeps looking and refreshes
   * this; an endpoint registered or resumed through this process sets it at once.
   */
  private deliverable = true;
  private deliverableNoted = 0;
  private readonly settings: AppConfig['webhooks'];

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly endpoints: WebhooksRepository,
    private readonly feed: AuditFeed,
    private readonly trail: AuditTrail,
    private readonly sealer: AuditSealer,
  ) {
    this.settings = config.webhooks;
  }

  /**
   * Looks every pollMs, and at once when this process has sealed events (a
   * change made here): events committed through another instance wait for
   * the next poll at most.
   */
  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.poll(), this.settings.pollMs);
    this.timer.unref();
    this.stopListening = this.sealer.onSealed(() => {
      if (this.deliverable) void this.tick();
    });
  }

  /** An endpoint may now take deliveries (registered, or resumed): looks prompted by seals resume. */
  noteDeliverable(): void {
    this.deliverable = true;
    this.deliverableNoted += 1;
  }

  private async poll(): Promise<void> {
    await this.tick();
    if (this.stopping.signal.aborted) return;
    const noted = this.deliverableNoted;
    const any = await this.endpoints.anyDeliverable().catch(() => true);
    // Noted meanwhile: the answer may predate the new endpoint.
    if (this.deliverableNoted === noted) this.deliverable = any;
  }

  /**
   * Stops claiming and cuts short what is in flight, writing nothing more: a
   * delivery cut short is one whose outcome is unknown, exactly as after a
   * crash, and its lease runs out for another instance (or the next start)
   * to send it again. Nothing waits on a receiver at shutdown.
   */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.stopListening?.();
    this.stopping.abort();
    await Promise.allSettled([...this.running]);
  }

  /** One look for due endpoints; each claimed one is delivered to on its own, beside the others. */
  async tick(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    if (this.ticking) {
      this.lookAgain = true;
      return;
    }
    const capacity = MAX_CONCURRENT_ENDPOINTS - this.running.size;
    if (capacity <= 0) return;
    this.ticking = true;
    this.lookAgain = false;
    try {
      // Taken before the claim: the lease, counted from the database's clock during the claim, ends no sooner than this says.
      const claimedAt = Date.now();
      const claimed = await this.endpoints.claim(this.instance, this.leaseMs() / 1000, capacity);
      for (const endpoint of claimed) {
        const task = this.deliverTo(endpoint, claimedAt)
          .catch((error: unknown) => this.logger.error({ err: error, endpointId: endpoint.id }, 'webhook delivery failed unexpectedly; the lease runs out and it is tried again'))
          .finally(() => {
            this.running.delete(task);
            // Events sealed while this endpoint was leased here found it taken: look again now rather than at the next poll.
            void this.tick();
          });
        this.running.add(task);
      }
    } catch (error) {
      if (!this.stopping.signal.aborted) this.logger.warn({ err: error }, 'could not claim webhook endpoints; trying again at the next poll');
    } finally {
      this.ticking = false;
    }
    if (this.lookAgain) void this.tick();
  }

  /** The lease covers one send: the name's resolution and the request, each at most the timeout. */
  private leaseMs(): number {
    return 2 * this.settings.timeoutMs + LEASE_MARGIN_MS;
  }

  /** Sends the endpoint's next events in seq order, one request each, until one fails, the feed is drained, or the lease's turn is up. */
  private async deliverTo(endpoint: WebhookEndpoint, leasedAt: number): Promise<void> {
    const guard: LeaseGuard = { endpointId: endpoint.id, instance: this.instance, cursorSeq: endpoint.cursorSeq };
    const selection = selectActions(endpoint.eventTypes);
    let leaseEnds = leasedAt + this.leaseMs();
    for (let round = 0; round < MAX_BATCHES_PER_LEASE; round++) {
      const page = await this.feed.after(guard.cursorSeq, selection, BATCH);
      const lastRound = page.events.length < BATCH || round === MAX_BATCHES_PER_LEASE - 1;
      for (const [index, event] of page.events.entries()) {
        if (this.stopping.signal.aborted) return;
        const outcome = await this.send(endpoint, event, leaseEnds);
        if (this.stopping.signal.aborted) return;
        const attempt = { endpointId: endpoint.id, seq: event.seq, eventId: event.id, instance: this.instance, ...outcome };
        if (!outcome.succeeded) return void (await this.recordFailure(endpoint, guard, attempt, event));
        // The page's last event moves the cursor past the events it skipped as well.
        const toSeq = index === page.events.length - 1 ? page.scannedTo : event.seq;
        const finished = lastRound && index === page.events.length - 1;
        const renewedAt = Date.now();
        if (!(await this.endpoints.recordSuccess(guard, attempt, toSeq, finished ? null : this.leaseMs() / 1000))) return;
        guard.cursorSeq = toSeq;
        leaseEnds = renewedAt + this.leaseMs();
      }
      if (page.events.length === 0) {
        // Nothing selected up to the head: move past it, so the endpoint is not claimed again for those events.
        await this.endpoints.recordSuccess(guard, undefined, page.scannedTo, null);
        return;
      }
      if (lastRound) return;
    }
  }

  /**
   * One request for one event, to the endpoint's URL checked again now (its
   * name may resolve elsewhere than at registration). A request the lease
   * could no longer cover (the name took too long to resolve) is not sent,
   * and counts as a failure.
   */
  private async send(endpoint: WebhookEndpoint, event: AuditEvent, leaseEnds: number): Promise<SendOutcome> {
    const started = Date.now();
    const check = await checkTarget(endpoint.url, this.settings.network);
    if (!check.ok) return { statusCode: null, error: `refused: the URL ${check.reason}`, succeeded: false, durationMs: Date.now() - started };
    if (Date.now() + this.settings.timeoutMs + SEND_SLACK_MS >= leaseEnds) {
      return { statusCode: null, error: `not sent: resolving the name took ${Date.now() - started} ms, leaving no time to send within the lease`, succeeded: false, durationMs: Date.now() - started };
    }
    const body = JSON.stringify({ type: event.action, timestamp: event.occurredAt, data: { seq: event.seq, hash: event.hash, prevHash: event.prevHash, event } });
    const timestamp = Math.floor(Date.now() / 1000);
    const secrets = [endpoint.secret];
    if (endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt.getTime() > Date.now()) secrets.push(endpoint.previousSecret);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Gatehouse-Webhooks/1',
      'webhook-id': event.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook(secrets, event.id, timestamp, body),
    };
    return sendWebhook(check.target, headers, body, this.settings.timeoutMs, this.stopping.signal);
  }

  private async recordFailure(endpoint: WebhookEndpoint, guard: LeaseGuard, attempt: Parameters<WebhooksRepository['recordFailure']>[1], event: AuditEvent) {
    const failures = endpoint.consecutiveFailures + 1;
    const delaySeconds = retryDelayMs(failures, this.settings.backoffBaseMs, this.settings.backoffCapMs) / 1000;
    const recorded = await this.endpoints.recordFailure(guard, attempt, delaySeconds, (counted) => shouldPark(counted, this.settings.maxAttempts), (manager, counted) =>
      this.trail
        .record(manager, {
          action: 'webhook.parked',
          actor: webhookActor,
          target: { type: 'webhook_endpoint', id: endpoint.id },
          data: { origin: originOf(endpoint.url), consecutiveFailures: counted, stuckAtSeq: event.seq, lastError: attempt.error ?? `answered ${attempt.statusCode}` },
        })
        .then(() => undefined),
    );
    if (recorded?.parked) this.logger.warn({ endpointId: endpoint.id, failures: recorded.failures, seq: event.seq }, 'webhook endpoint parked after consecutive failures');
  }
}
