import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ActorKind, AuditActor, AuditEvent, AuditPage, ChainBreak, ChainBreakReason } from '@app/audit';

export class AuditActorResponse implements AuditActor {
  @ApiProperty({ description: 'A user id, an API key id, or system:<name>' }) id: string;
  @ApiProperty({ enum: ['user', 'api_key', 'system'] }) kind: ActorKind;
  @ApiProperty() displayName: string;
  @ApiProperty({ type: [String], description: 'The roles the actor held when acting, not the ones held today' }) roles: string[];
}

export class AuditTargetResponse {
  @ApiProperty({ example: 'use_case' }) type: string;
  @ApiProperty() id: string;
}

export class AuditContextResponse {
  @ApiProperty({ type: String, nullable: true }) requestId: string | null;
  @ApiProperty({ type: String, nullable: true }) sourceIp: string | null;
  @ApiProperty({ type: String, nullable: true }) userAgent: string | null;
}

/** One event of the hash chain, field by field as docs/audit-chain.md describes it. */
export class AuditEventResponse implements AuditEvent {
  @ApiProperty() chain: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) seq: number;
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ type: AuditActorResponse }) actor: AuditActorResponse;
  @ApiProperty({ example: 'use_case.updated', description: 'One of the audit action catalogue' }) action: string;
  @ApiProperty({ type: AuditTargetResponse }) target: AuditTargetResponse;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) useCaseId: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'before, after and data of the change' }) payload: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true }) reason: string | null;
  @ApiProperty({ type: AuditContextResponse }) context: AuditContextResponse;
  @ApiProperty({ description: 'The hash of the event before (hex)' }) prevHash: string;
  @ApiProperty({ description: 'SHA-256 (hex) of this event' }) hash: string;
}

export class AuditEventPageResponse implements AuditPage {
  @ApiProperty({ type: [AuditEventResponse] }) items: AuditEventResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass back as `cursor` for the next page; null on the last page' }) nextCursor: string | null;
}

export class ChainBreakResponse implements ChainBreak {
  @ApiProperty({ type: 'integer' }) seq: number;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) eventId: string | null;
  @ApiProperty({ enum: ['hash_mismatch', 'prev_hash_mismatch', 'sequence_gap', 'head_mismatch'] }) reason: ChainBreakReason;
  @ApiProperty() detail: string;
}

export class VerificationRecordingResponse {
  @ApiProperty({ description: 'Whether the check was recorded as audit.verified' }) recorded: boolean;
  @ApiPropertyOptional({ type: 'integer', description: 'When recorded: the seq of the audit.verified event' }) seq?: number;
  @ApiPropertyOptional({ description: 'When not recorded: why' }) reason?: string;
}

/** The result of walking the chain: intact up to its head, or the first broken event. */
export class AuditVerificationResponse {
  @ApiProperty() intact: boolean;
  @ApiProperty() chain: string;
  @ApiProperty({ type: 'integer' }) fromSeq: number;
  @ApiProperty({ type: 'integer' }) eventsChecked: number;
  @ApiPropertyOptional({ type: 'integer', description: 'When intact: the last seq checked' }) toSeq?: number;
  @ApiPropertyOptional({ description: 'When intact: the hash of the last event checked' }) headHash?: string;
  @ApiPropertyOptional({ type: 'integer', description: 'When broken: the last seq before the break' }) intactUpToSeq?: number;
  @ApiPropertyOptional({ type: ChainBreakResponse, description: 'When broken' }) firstBreak?: ChainBreakResponse;
  @ApiProperty({ type: VerificationRecordingResponse }) recording: VerificationRecordingResponse;
  @ApiProperty({ description: 'The result in one sentence' }) summary: string;
}
