import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { actionPatternProblem, AuditFeed, AuditTrail } from '@app/audit';
import { Principal } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { FieldError, NotFoundError, ValidationFailedError } from '@app/errors';
import { CreateWebhookDto } from './dto/webhook.dto';
import { originOf, sha256Hex } from './webhook-facts';
import { newWebhookSecret } from './webhook-signature';
import { checkTarget } from './webhook-target';
import { deliveryView, webhookView, WebhookView } from './webhook-view';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';
import { WebhookDisabledRefusal } from './webhooks.errors';
import { WebhooksRepository } from './webhooks.repository';

const TARGET = (id: string) => ({ type: 'webhook_endpoint', id });

/** Administrators' side of webhooks: endpoints, their secrets, and what was delivered. Delivery itself is WebhookDeliveryWorker's. */
@Injectable()
export class WebhooksService {
  private readonly settings: AppConfig['webhooks'];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly endpoints: WebhooksRepository,
    private readonly feed: AuditFeed,
    private readonly trail: AuditTrail,
    private readonly worker: WebhookDeliveryWorker,
  ) {
    this.settings = config.webhooks;
  }

  /**
   * Registers an endpoint, which receives the selected events sealed from now
   * on. Its URL is checked (and its name resolved) before anything is
   * written; the secret is answered this once.
   */
  async create(principal: Principal, input: CreateWebhookDto): Promise<WebhookView & { secret: string }> {
    const problems: FieldError[] = input.eventTypes.flatMap((pattern, index) => {
      const problem = actionPatternProblem(pattern);
      return problem ? [{ field: `eventTypes.${index}`, detail: problem }] : [];
    });
    const check = await checkTarget(input.url, this.settings.network);
    if (!check.ok) problems.unshift({ field: 'url', detail: `url ${check.reason}` });
    if (problems.length) throw new ValidationFailedError(problems);
    const secret = newWebhookSecret();
    const cursorSeq = await this.feed.headSeq();
    const created = await this.dataSource.transaction(async (manager) => {
      const endpoint = await this.endpoints.insertEndpoint(manager, {
        url: input.url,
        eventTypes: input.eventTypes,
        description: input.description ?? null,
        secret,
        createdBy: principal.userId,
        cursorSeq,
      });
      await this.trail.record(manager, {
        action: 'webhook.created',
        target: TARGET(endpoint.id),
        after: { origin: originOf(endpoint.url), urlSha256: sha256Hex(endpoint.url), eventTypes: endpoint.eventTypes, description: endpoint.description },
      });
      return { ...webhookView(endpoint), secret };
    });
    this.worker.noteDeliverable();
    return created;
  }

  async list(): Promise<WebhookView[]> {
    return (await this.endpoints.list()).map((endpoint) => webhookView(endpoint));
  }

  async get(id: string): Promise<WebhookView> {
    return webhookView(await this.found(await this.endpoints.find(id), id));
  }

  /** Deliveries stop for good; an attempt in flight finishes, but its outcome moves nothing. */
  async disable(id: string): Promise<WebhookView> {
    return this.dataSource.transaction(async (manager) => {
      const endpoint = this.found(await this.endpoints.lock(manager, id), id);
      if (endpoint.disabledAt) return webhookView(endpoint);
      const disabled = await this.endpoints.update(manager, id, { disabledAt: () => 'now()' });
      await this.trail.record(manager, { action: 'webhook.disabled', target: TARGET(id), data: { origin: originOf(endpoint.url) } });
      return webhookView(disabled);
    });
  }

  /**
   * A new secret signs from now on; the one it replaces signs too (both
   * signatures in webhook-signature) for the overlap window, so receivers
   * can switch without missing a delivery. A second rotation within the
   * window drops the oldest secret.
   */
  async rotateSecret(id: string): Promise<WebhookView & { secret: string }> {
    const secret = newWebhookSecret();
    return this.dataSource.transaction(async (manager) => {
      const endpoint = this.found(await this.endpoints.lock(manager, id), id);
      if (endpoint.disabledAt) throw new WebhookDisabledRefusal(id);
      const overlap = this.settings.secretOverlapSeconds;
      const rotated = await this.endpoints.update(manager, id, {
        secret,
        previousSecret: overlap > 0 ? endpoint.secret : null,
        previousSecretExpiresAt: overlap > 0 ? () => `now() + make_interval(secs => ${Number(overlap)})` : null,
      });
      await this.trail.record(manager, {
        action: 'webhook.secret_rotated',
        target: TARGET(id),
        data: { origin: originOf(endpoint.url), previousSecretExpiresAt: (rotated.previousSecretExpiresAt ?? new Date()).toISOString() },
      });
      return { ...webhookView(rotated), secret };
    });
  }

  /**
   * Resumes deliveries now (a parked endpoint included, its failures
   * forgotten), optionally from an earlier seq: the selected events from
   * there are sent again, in order, with their own webhook-ids.
   */
  async redeliver(id: string, fromSeq: number | undefined): Promise<WebhookView> {
    const head = fromSeq === undefined ? 0 : await this.feed.headSeq();
    if (fromSeq !== undefined && fromSeq > head + 1) {
      throw new ValidationFailedError([{ field: 'fromSeq', detail: `fromSeq must be at most ${head + 1}: the trail ends at seq ${head}` }]);
    }
    const resumed = await this.dataSource.transaction(async (manager) => {
      const endpoint = this.found(await this.endpoints.lock(manager, id), id);
      if (endpoint.disabledAt) throw new WebhookDisabledRefusal(id);
      const updated = await this.endpoints.update(manager, id, {
        parkedAt: null,
        consecutiveFailures: 0,
        nextAttemptAt: () => 'now()',
        ...(fromSeq === undefined ? {} : { cursorSeq: fromSeq - 1 }),
      });
      await this.trail.record(manager, {
        action: 'webhook.redelivered',
        target: TARGET(id),
        data: { origin: originOf(endpoint.url), fromSeq: fromSeq ?? null, previousCursor: endpoint.cursorSeq, wasParked: endpoint.parkedAt !== null },
      });
      return webhookView(updated);
    });
    this.worker.noteDeliverable();
    return resumed;
  }

  async deliveries(id: string, limit: number, cursor?: string) {
    this.found(await this.endpoints.find(id), id);
    const rows = await this.endpoints.deliveries(id, limit, cursor === undefined ? undefined : Number(cursor));
    const items = rows.slice(0, limit).map(deliveryView);
    return { items, nextCursor: rows.length > limit ? String(items[items.length - 1].id) : null };
  }

  private found(endpoint: WebhookEndpoint | null, id: string): WebhookEndpoint {
    if (!endpoint) throw new NotFoundError(`No webhook endpoint with id ${id}.`);
    return endpoint;
  }
}
