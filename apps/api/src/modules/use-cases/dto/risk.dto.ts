import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min, ValidateIf } from 'class-validator';
import { IsUuid } from '@app/errors';
import { RISK_CATEGORIES, RISK_STATUSES, RiskCategory, RiskStatus } from '../risk-tier.policy';

export class RiskDto {
  @ApiProperty() @IsString() @Length(1, 2000) description: string;
  @ApiProperty({ enum: RISK_CATEGORIES }) @IsIn(RISK_CATEGORIES) category: RiskCategory;
  @ApiProperty({ minimum: 1, maximum: 5 }) @IsInt() @Min(1) @Max(5) severity: number;
  @ApiProperty({ minimum: 1, maximum: 5 }) @IsInt() @Min(1) @Max(5) likelihood: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2000) mitigation?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) owner?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 5, description: 'With residualLikelihood, after mitigation' })
  @ValidateIf((risk: RiskDto) => risk.residualSeverity !== undefined || risk.residualLikelihood !== undefined)
  @IsInt({ message: 'residualSeverity and residualLikelihood are given together, each an integer from 1 to 5' })
  @Min(1)
  @Max(5)
  residualSeverity?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 5 })
  @ValidateIf((risk: RiskDto) => risk.residualSeverity !== undefined || risk.residualLikelihood !== undefined)
  @IsInt({ message: 'residualSeverity and residualLikelihood are given together, each an integer from 1 to 5' })
  @Min(1)
  @Max(5)
  residualLikelihood?: number;

  @ApiPropertyOptional({ enum: RISK_STATUSES, default: 'open' }) @IsOptional() @IsIn(RISK_STATUSES) status?: RiskStatus;
}

export class RiskParams {
  @ApiProperty({ format: 'uuid' }) @IsUuid() id: string;
  @ApiProperty({ format: 'uuid' }) @IsUuid() riskId: string;
}
