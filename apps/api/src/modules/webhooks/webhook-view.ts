import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookEndpoint } from './webhook-endpoint.entity';

export const WEBHOOK_STATUSES = ['active', 'retrying', 'parked', 'disabled'] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

export interface WebhookView {
  id: string;
  url: string;
  eventTypes: string[];
  description: string | null;
  status: WebhookStatus;
  lastDeliveredSeq: number;
  consecutiveFailures: number;
  nextAttemptAt: Date;
  parkedAt: Date | null;
  previousSecretExpiresAt: Date | null;
  createdBy: string;
  createdAt: Date;
  disabledAt: Date | null;
}

export function webhookStatus(endpoint: WebhookEndpoint): WebhookStatus {
  if (endpoint.disabledAt) return 'disabled';
  if (endpoint.parkedAt) return 'parked';
  return endpoint.consecutiveFailures > 0 ? 'retrying' : 'active';
}

/** An endpoint as the API shows it: never a secret. */
export function webhookView(endpoint: WebhookEndpoint, now = new Date()): WebhookView {
  const overlapRunning = endpoint.previousSecretExpiresAt !== null && endpoint.previousSecretExpiresAt > now;
  return {
    id: endpoint.id,
    url: endpoint.url,
    eventTypes: endpoint.eventTypes,
    description: endpoint.description,
    status: webhookStatus(endpoint),
    lastDeliveredSeq: endpoint.cursorSeq,
    consecutiveFailures: endpoint.consecutiveFailures,
    nextAttemptAt: endpoint.nextAttemptAt,
    parkedAt: endpoint.parkedAt,
    previousSecretExpiresAt: overlapRunning ? endpoint.previousSecretExpiresAt : null,
    createdBy: endpoint.createdBy,
    createdAt: endpoint.createdAt,
    disabledAt: endpoint.disabledAt,
  };
}

export function deliveryView(delivery: WebhookDelivery) {
  return {
    id: delivery.id,
    seq: delivery.seq,
    eventId: delivery.eventId,
    attemptedAt: delivery.attemptedAt,
    durationMs: delivery.durationMs,
    statusCode: delivery.statusCode,
    error: delivery.error,
    succeeded: delivery.succeeded,
    instance: delivery.instance,
  };
}
