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

export class VerifyAuditQuery {
  @ApiPropertyOptional({ minimum: 1, description: 'First seq to check (default 1)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  fromSeq?: number;

  @ApiPropertyOptional({ minimum: 1, description: 'Last seq to check (default: the head)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  toSeq?: number;
}

export function toAuditFilter(query: AuditFilterQuery, cursor?: string): AuditFilter {
  const { from, to, useCaseId, actorId, action, targetType, targetId } = query;
  const filter: AuditFilter = { from, to, useCaseId, actorId, action, targetType, targetId };
  if (cursor === undefined) return filter;
  const afterSeq = decodeCursor(cursor);
  if (afterSeq === undefined) throw new ValidationFailedError([{ field: 'cursor', detail: 'cursor is not a cursor this API returned' }]);
  return { ...filter, afterSeq };
}
