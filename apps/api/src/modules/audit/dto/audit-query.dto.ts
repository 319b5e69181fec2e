import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { AUDIT_ACTIONS, AuditExportFormat, AuditFilter, decodeCursor } from '@app/audit';
import { IsTimestamp, IsUuid, ValidationFailedError } from '@app/errors';

export class AuditFilterQuery {
  @ApiPropertyOptional({ description: 'Events at or after this time (ISO 8601)' })
  @IsOptional()
  @IsTimestamp()
  from?: Date;

  @ApiPropertyOptional({ description: 'Events before this time (ISO 8601)' })
  @IsOptional()
  @IsTimestamp()
  to?: Date;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUuid()
  useCaseId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  actorId?: string;

  @ApiPropertyOptional({ enum: Object.keys(AUDIT_ACTIONS) })
  @IsOptional()
  @IsIn(Object.keys(AUDIT_ACTIONS), { message: 'action must be one of the audit action catalogue (docs/audit-chain.md)' })
  action?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  targetType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  targetId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Events with seq at or after this' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  fromSeq?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Events with seq at or before this' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  toSeq?: number;
}

export class ListAuditEventsQuery extends AuditFilterQuery {
  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 100;
}

export class ExportAuditEventsQuery extends AuditFilterQuery {
  @ApiPropertyOptional({ enum: ['ndjson', 'csv'], default: 'ndjson' })
  @IsOptional()
  @IsIn(['ndjson', 'csv'])
  format: AuditExportFormat = 'ndjson';
}

/**
 * Bounded here so a huge number is a 422 rather than a database error; the
 * service refuses a range beyond the chain's head, also with a 422.
 */
export class VerifyAuditQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'First seq to check (default 1); at most the head' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  fromSeq?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Last seq to check (default: the head); at most the head, not before fromSeq' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  toSeq?: number;
}

export function toAuditFilter(query: AuditFilterQuery, cursor?: string): AuditFilter {
  const { from, to, useCaseId, actorId, action, targetType, targetId, fromSeq, toSeq } = query;
  const filter: AuditFilter = { from, to, useCaseId, actorId, action, targetType, targetId, fromSeq, toSeq };
  if (cursor === undefined) return filter;
  const afterSeq = decodeCursor(cursor);
  if (afterSeq === undefined) throw new ValidationFailedError([{ field: 'cursor', detail: 'cursor is not a cursor this API returned' }]);
  return { ...filter, afterSeq };
}

export class ListAuditCheckpointsQuery {
  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;
}
