import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsDate, isISO8601, IsOptional } from 'class-validator';

/** Only an ISO 8601 date or date-time becomes a Date: `1` or `yesterday`, which JavaScript would read as some date, stay text and are refused. */
const toDate = ({ value }: { value: unknown }) => (typeof value === 'string' && isISO8601(value, { strict: true }) ? new Date(value) : value);

export class EvidencePackQuery {
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Start of the period (default: the beginning)' })
  @IsOptional()
  @Transform(toDate)
  @IsDate({ message: 'from must be an ISO 8601 date-time' })
  from?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'End of the period, exclusive (default: now)' })
  @IsOptional()
  @Transform(toDate)
  @IsDate({ message: 'to must be an ISO 8601 date-time' })
  to?: Date;

  @ApiPropertyOptional({ type: Boolean, default: false, description: 'Include the evidence files themselves, not only their index' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  files?: boolean;
}
