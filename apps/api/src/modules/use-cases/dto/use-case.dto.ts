import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { IsUuid } from '@app/errors';
import { AI_ROLES, AiRole, STAGES, Stage, TIERS, Tier, USE_CASE_STATUSES, UseCaseStatus } from '../../gate-reviews/lifecycle';
import { KeysetPageQuery } from '../../../http/keyset-page.query';

const LONG_TEXT = 5000;

/** One to fifty short texts, such as the inputs or outputs of a workflow. */
const TextList = () =>
  applyDecorators(ApiProperty({ type: [String] }), IsArray(), ArrayMinSize(1), ArrayMaxSize(50), IsString({ each: true }), Length(1, 500, { each: true }));

export class WorkflowComponentDto {
  @ApiProperty() @IsString() @Length(1, 200) name: string;
  @ApiProperty() @IsString() @Length(0, 2000) description: string;
}

export class WorkflowDto {
  @ApiProperty() @IsString() @Length(1, LONG_TEXT) description: string;

  @ApiProperty({ type: [WorkflowComponentDto] })
  @IsArray()
  @ArrayMaxSize(50)
  @IsObject({ each: true, message: '$property must be a list of objects' })
  @ValidateNested({ each: true })
  @Type(() => WorkflowComponentDto)
  components: WorkflowComponentDto[];
}

export class StakeholderDto {
  @ApiProperty() @IsString() @Length(1, 200) name: string;
  @ApiProperty() @IsString() @Length(1, 2000) objectives: string;

  @ApiProperty({ description: 'Affected by the system without being a customer or user of it' })
  @IsBoolean()
  affectedNonUser: boolean;
}

export class CreateUseCaseDto {
  @ApiProperty() @IsString() @Length(1, 200) title: string;
  @ApiProperty() @IsString() @Length(1, LONG_TEXT) businessProblem: string;

  @ApiProperty({ type: WorkflowDto })
  @ValidateNested()
  @Type(() => WorkflowDto)
  workflow: WorkflowDto;

  @TextList() inputs: string[];
  @TextList() outputs: string[];

  @ApiProperty({ type: [StakeholderDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsObject({ each: true, message: '$property must be a list of objects' })
  @ValidateNested({ each: true })
  @Type(() => StakeholderDto)
  stakeholders: StakeholderDto[];

  @ApiProperty() @IsString() @Length(1, LONG_TEXT) intendedUse: string;
  @ApiProperty() @IsString() @Length(1, LONG_TEXT) foreseeableMisuse: string;

  @ApiProperty({ enum: AI_ROLES, description: "The organisation's AI role for this use case" })
  @IsIn(AI_ROLES)
  aiRole: AiRole;

  @ApiProperty({ format: 'uuid' }) @IsUuid() developerTeamId: string;
  @ApiProperty({ format: 'uuid' }) @IsUuid() deployerTeamId: string;
}

/**
 * Any subset of the descriptive fields. Teams, stage and tier are not edited here.
 * A field left out stays as it is; `null` is refused (every descriptive field is required).
 */
export class UpdateUseCaseDto extends PartialType(OmitType(CreateUseCaseDto, ['developerTeamId', 'deployerTeamId'] as const), { skipNullProperties: false }) {}

export class UseCaseIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  id: string;
}

export class ListUseCasesQuery extends KeysetPageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Developer or deployer team' })
  @IsOptional()
  @IsUuid()
  team?: string;

  @ApiPropertyOptional({ enum: STAGES }) @IsOptional() @IsIn(STAGES) stage?: Stage;
  @ApiPropertyOptional({ enum: TIERS }) @IsOptional() @IsIn(TIERS) tier?: Tier;
  @ApiPropertyOptional({ enum: USE_CASE_STATUSES }) @IsOptional() @IsIn(USE_CASE_STATUSES) status?: UseCaseStatus;

  @ApiPropertyOptional({ description: 'Words to find in the title, business problem or intended use' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  q?: string;
}
