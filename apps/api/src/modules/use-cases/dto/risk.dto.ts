import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min, ValidateIf } from 'class-validator';
import { IsUuid } from '@app/errors';
import { OUTSIDE_DECIDER_ROLES, OutsideDeciderRole } from '../../gate-policies/gate-policy';
import { RISK_CATEGORIES, RISK_TREATMENTS, RiskCategory, RiskTreatment, TEAM_RISK_STATUSES } from '../risk-tier.policy';

export class RiskDto {
  @ApiProperty() @IsString() @Length(1, 2000) description: string;
  @ApiProperty({ enum: RISK_CATEGORIES }) @IsIn(RISK_CATEGORIES) category: RiskCategory;
  @ApiProperty({ minimum: 1, maximum: 5 }) @IsInt() @Min(1) @Max(5) severity: number;
  @ApiProperty({ minimum: 1, maximum: 5 }) @IsInt() @Min(1) @Max(5) likelihood: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2000) mitigation?: string;

  @ApiPropertyOptional({ description: 'Who answers for the risk; required once a treatment is chosen' })
  @ValidateIf((risk: RiskDto) => risk.owner !== undefined || risk.treatment !== undefined)
  @IsString({ message: 'owner names who answers for the risk, and is required with a treatment' })
  @Length(1, 200)
  owner?: string;

  @ApiPropertyOptional({ enum: RISK_TREATMENTS, description: '`accept` asks for an acceptance decision by someone outside the team (POST …/risks/:riskId/acceptance)' })
  @IsOptional()
  @IsIn(RISK_TREATMENTS)
  treatment?: RiskTreatment;

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

  @ApiPropertyOptional({ enum: TEAM_RISK_STATUSES, default: 'open' })
  @IsOptional()
  @IsIn(TEAM_RISK_STATUSES, { message: 'status must be one of open, mitigating, closed: a risk is accepted by an acceptance decision (treatment accept, then POST …/risks/:riskId/acceptance by someone outside the team)' })
  status?: (typeof TEAM_RISK_STATUSES)[number];
}

export class RiskParams {
  @ApiProperty({ format: 'uuid' }) @IsUuid() id: string;
  @ApiProperty({ format: 'uuid' }) @IsUuid() riskId: string;
}

export class RiskAcceptanceDto {
  @ApiProperty({ enum: OUTSIDE_DECIDER_ROLES, description: 'The role you accept in; the gate policy says which roles may accept at the risk’s severity' })
  @IsIn(OUTSIDE_DECIDER_ROLES)
  role: OutsideDeciderRole;

  @ApiProperty({ description: 'Why the organisation can live with this risk' })
  @IsString()
  @Length(1, 4000)
  comment: string;
}
