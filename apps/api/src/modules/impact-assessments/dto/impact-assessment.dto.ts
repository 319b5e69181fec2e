import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsObject, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { INT4_MAX } from '@app/errors';
import { OUTSIDE_DECIDER_ROLES, OutsideDeciderRole } from '../../gate-policies/gate-policy';
import { ASSESSMENT_DECISIONS, AssessmentDecision } from '../impact-assessment-decision.entity';

export class SaveImpactAssessmentDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'The template version answered; a new assessment starts on the current one, and may move to it later' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(INT4_MAX)
  templateVersion?: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'All answers, by question id (a save replaces them): text and choice a string, scale an integer, groups a list of { name, nonUser, impact }',
  })
  @IsObject()
  answers: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'The revision this save is based on (0 for a new assessment); refused with 409 when someone saved in between' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(INT4_MAX)
  basedOnRevision?: number;
}

export class SubmitImpactAssessmentDto {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The revision you submit: it must be the working revision' })
  @IsInt()
  @Min(1)
  @Max(INT4_MAX)
  revision: number;
}

export class AssessmentDecisionDto {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The revision you decide on: it must be the submitted one' })
  @IsInt()
  @Min(1)
  @Max(INT4_MAX)
  revision: number;

  @ApiProperty({ enum: OUTSIDE_DECIDER_ROLES, description: 'The role you decide in; the gate policy names which roles approve assessments' })
  @IsIn(OUTSIDE_DECIDER_ROLES)
  role: OutsideDeciderRole;

  @ApiProperty({ enum: ASSESSMENT_DECISIONS })
  @IsIn(ASSESSMENT_DECISIONS)
  decision: AssessmentDecision;

  @ApiProperty() @IsString() @Length(1, 4000) comment: string;
}

export class PublishAssessmentTemplateDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The whole template: { name, catalogue, sections: [{ id, title, questions: [...] }] }' })
  @IsObject()
  document: Record<string, unknown>;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 1000) note?: string;
}
