import { ApiProperty } from '@nestjs/swagger';
import { WEBHOOK_STATUSES, WebhookStatus } from '../webhook-view';

export class WebhookResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() url: string;
  @ApiProperty({ type: [String] }) eventTypes: string[];
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ enum: WEBHOOK_STATUSES, description: '`retrying` after a failure, `parked` after too many (POST …/redeliver resumes), `disabled` for good' }) status: WebhookStatus;
  @ApiProperty({ description: 'The last seq handled: delivered, or not among the endpoint\'s event types' }) lastDeliveredSeq: number;
  @ApiProperty({ type: 'integer' }) consecutiveFailures: number;
  @ApiProperty({ type: String, format: 'date-time' }) nextAttemptAt: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) parkedAt: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Until then the secret before the last rotation signs too' }) previousSecretExpiresAt: Date | null;
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) disabledAt: Date | null;
}

/** Answered at creation and rotation only: the secret is never shown again. */
export class WebhookWithSecretResponse extends WebhookResponse {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'Shown this once: verify each delivery\'s webhook-signature with it (Standard Webhooks)' }) secret: string;
}

export class WebhookDeliveryResponse {
  @ApiProperty({ type: 'integer' }) id: number;
  @ApiProperty({ type: 'integer', description: 'The audit event\'s seq' }) seq: number;
  @ApiProperty({ format: 'uuid', description: 'The audit event\'s id, sent as webhook-id' }) eventId: string;
  @ApiProperty({ type: String, format: 'date-time' }) attemptedAt: Date;
  @ApiProperty({ type: 'integer' }) durationMs: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'The receiver\'s status; null when it did not answer' }) statusCode: number | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty() succeeded: boolean;
  @ApiProperty({ description: 'The instance that sent it' }) instance: string;
}

export class WebhookDeliveryPageResponse {
  @ApiProperty({ type: [WebhookDeliveryResponse], description: 'Newest first' }) items: WebhookDeliveryResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for older attempts; null on the last page' }) nextCursor: string | null;
}
