import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { IsOwnMemberName, IsUuid } from '@app/errors';
import { TIERS, Tier } from '../../gate-reviews/lifecycle';

export class ChecklistAnswerDto {
  @ApiProperty({ enum: ['yes', 'no', 'not_applicable'] })
  @IsIn(['yes', 'no', 'not_applicable'])
  answer: 'yes' | 'no' | 'not_applicable';

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2000) note?: string;
}

export class ChecklistParams {
  @ApiProperty({ format: 'uuid' }) @IsUuid() id: string;

  @ApiProperty({ pattern: '^[a-z][a-z0-9_.-]{1,79}$', description: 'A checklist item id of the current gate policy' })
  @Matches(/^[a-z][a-z0-9_.-]{1,79}$/, { message: 'itemId must be a checklist item id from the gate policy' })
  @IsOwnMemberName()
  itemId: string;
}

export class TierOverrideDto {
  @ApiProperty({ enum: TIERS }) @IsIn(TIERS) tier: Tier;
  @ApiProperty({ minLength: 10 }) @IsString() @Length(10, 2000) justification: string;
}

export class TierChangeDecisionDto {
  @ApiProperty({ enum: ['confirm', 'refuse'] }) @IsIn(['confirm', 'refuse']) decision: 'confirm' | 'refuse';
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2000) comment?: string;
}

export class TierChangeRequestParams {
  @ApiProperty({ format: 'uuid' }) @IsUuid() id: string;
  @ApiProperty({ format: 'uuid' }) @IsUuid() requestId: string;
}
