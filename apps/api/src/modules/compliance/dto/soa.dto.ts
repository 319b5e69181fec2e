import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateIf } from 'class-validator';
import { INT4_MAX, IsUuid } from '@app/errors';
import { IMPLEMENTATION_STATUSES, ImplementationStatus } from '../statement-of-applicability.policy';

const CONTROL_ID = /^A\.\d{1,2}(\.\d{1,2}){1,2}$/;

export class SoaControlParams {
  @ApiProperty({ example: 'A.6.2.4', pattern: CONTROL_ID.source, description: 'An Annex A control id' })
  @IsString()
  @Matches(CONTROL_ID, { message: 'controlId must be an Annex A control id such as A.6.2.4' })
  controlId: string;
}

export class EditSoaControlDto {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'The version of the statement this edit was made on (0 before the first edit)' })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(INT4_MAX)
  basedOnVersion: number;

  @ApiPropertyOptional({ description: 'Included (true) or excluded (false, with a justification)' }) @IsOptional() @IsBoolean() applicable?: boolean;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Why the control is included or excluded' })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @Length(1, 4000)
  justification?: string | null;

  @ApiPropertyOptional({ enum: IMPLEMENTATION_STATUSES }) @IsOptional() @IsIn(IMPLEMENTATION_STATUSES) status?: ImplementationStatus;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'The person answerable for the control' })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsUuid()
  ownerId?: string | null;

  @ApiPropertyOptional({ description: 'Why the entry changed' }) @IsOptional() @IsString() @Length(1, 2000) note?: string;
}
