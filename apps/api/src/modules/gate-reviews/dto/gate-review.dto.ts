import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDateString, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { INT4_MAX, IsUuid } from '@app/errors';
import { KeysetPageQuery } from '../../../http/keyset-page.query';
import { GATES, Gate, SIGN_OFF_ROLES, SignOffRole, STAGES, Stage } from '../lifecycle';
import { DECISIONS, Decision } from '../sign-off.policy';

export class OpenReviewDto {
  @ApiProperty({ enum: GATES }) @IsIn(GATES) gate: Gate;

  @ApiPropertyOptional({ description: 'Why; required to retire' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  reason?: string;
}

export class ConditionDto {
  @ApiProperty() @IsString() @Length(1, 2000) description: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUuid() ownerId?: string;
  @ApiPropertyOptional({ example: '2027-03-31' }) @IsOptional() @IsDateString({ strict: true }) dueDate?: string;
}

export class SignOffDto {
  @ApiProperty({ enum: SIGN_OFF_ROLES }) @IsIn(SIGN_OFF_ROLES) role: SignOffRole;
  @ApiProperty({ enum: DECISIONS }) @IsIn(DECISIONS) decision: Decision;
  @ApiProperty() @IsString() @Length(1, 5000) comment: string;

  @ApiProperty({ description: 'The revision you decided on; it must be the one under review' })
  @IsInt()
  @Min(1)
  @Max(INT4_MAX)
  revision: number;

  @ApiPropertyOptional({ type: [ConditionDto], description: 'With approve: conditions, tracked as obligations once the gate passes' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true, message: '$property must be a list of objects' })
  @ValidateNested({ each: true })
  @Type(() => ConditionDto)
  conditions?: ConditionDto[];
}

export class RollbackDto {
  @ApiProperty({ enum: STAGES }) @IsIn(STAGES) toStage: Stage;
  @ApiProperty() @IsString() @Length(1, 2000) reason: string;
}

export class ReviewIdParams {
  @ApiProperty({ format: 'uuid' }) @IsUuid() reviewId: string;
}

export class ClearanceQuery {
  @ApiProperty({ enum: STAGES }) @IsIn(STAGES) stage: Stage;

  @ApiPropertyOptional({ description: 'Default: the current revision' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(INT4_MAX)
  revision?: number;
}

export class InboxQuery extends KeysetPageQuery {}

export class ObligationParams {
  @ApiProperty({ format: 'uuid' }) @IsUuid() id: string;
  @ApiProperty({ format: 'uuid' }) @IsUuid() obligationId: string;
}

export class UpdateObligationDto {
  @ApiProperty({ enum: ['open', 'closed'] }) @IsIn(['open', 'closed']) status: 'open' | 'closed';
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2000) note?: string;
}
