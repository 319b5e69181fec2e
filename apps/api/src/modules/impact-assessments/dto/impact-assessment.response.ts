import { ApiProperty } from '@nestjs/swagger';
import { ASSESSMENT_STATUSES, AssessmentStatus } from '../impact-assessment.entity';
import type { AssessmentDecisionView, ImpactAssessmentView } from '../impact-assessments.service';
import type { AssessmentTemplateVersion } from '../assessment-templates.service';
import type { AssessmentTemplateDocument } from '../assessment-template';
import type { AssessmentState } from '../assessment-standing.policy';

export const ASSESSMENT_STATES: readonly AssessmentState[] = ['none', 'not_approved', 'stale', 'approved'];

export class AssessmentStandingResponse {
  @ApiProperty({ enum: ASSESSMENT_STATES, description: 'approved: an approval in force and not stale' }) state: AssessmentState;
  @ApiProperty({ type: [String], description: 'Why it is not approved, or stale' }) reasons: string[];
}

export class AssessmentDecisionResponse implements AssessmentDecisionView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: 'integer' }) revision: number;
  @ApiProperty() contentHash: string;
  @ApiProperty({ type: 'integer' }) templateVersion: number;
  @ApiProperty({ enum: ['approve', 'request_changes'] }) decision: string;
  @ApiProperty({ enum: ['legal', 'assessor'] }) role: string;
  @ApiProperty({ format: 'uuid' }) decidedBy: string;
  @ApiProperty() comment: string;
  @ApiProperty({ type: 'integer', description: 'The use case revision decided against' }) useCaseRevision: number;
  @ApiProperty({ description: 'The tier the use case had when decided' }) tier: string;
  @ApiProperty({ format: 'date-time' }) decidedAt: string;
}

export class AssessmentSubmissionResponse {
  @ApiProperty({ format: 'uuid' }) by: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: 'integer' }) useCaseRevision: number;
}

export class AssessmentRevisionResponse {
  @ApiProperty({ type: 'integer' }) revision: number;
  @ApiProperty() contentHash: string;
  @ApiProperty({ type: 'integer' }) templateVersion: number;
  @ApiProperty({ format: 'uuid' }) authorId: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class ImpactAssessmentResponse implements ImpactAssessmentView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) useCaseId: string;
  @ApiProperty({ type: 'integer' }) templateVersion: number;
  @ApiProperty({ type: 'integer', description: 'The working revision' }) revision: number;
  @ApiProperty({ description: 'SHA-256 (hex) of the canonical JSON of { templateVersion, answers }' }) contentHash: string;
  @ApiProperty({ enum: ASSESSMENT_STATUSES, description: 'Of the working revision' }) status: AssessmentStatus;
  @ApiProperty({ type: 'object', additionalProperties: true }) answers: ImpactAssessmentView['answers'];
  @ApiProperty({ type: [String], description: 'Required questions not answered yet' }) unanswered: string[];
  @ApiProperty({ type: AssessmentSubmissionResponse, nullable: true }) submitted: AssessmentSubmissionResponse | null;
  @ApiProperty({ type: AssessmentDecisionResponse, nullable: true, description: 'The approval in force (possibly of an earlier revision)' }) approval: AssessmentDecisionResponse | null;
  @ApiProperty({ type: AssessmentStandingResponse }) standing: AssessmentStandingResponse;
  @ApiProperty({ type: [AssessmentRevisionResponse] }) revisions: AssessmentRevisionResponse[];
  @ApiProperty({ type: [AssessmentDecisionResponse] }) decisions: AssessmentDecisionResponse[];
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class AssessmentTemplateSummaryResponse implements Omit<AssessmentTemplateVersion, 'document'> {
  @ApiProperty({ type: 'integer', minimum: 1 }) version: number;
  @ApiProperty({ description: 'SHA-256 (hex) of the canonical JSON of the document' }) documentHash: string;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({ description: 'The user id of the publisher, or system:bootstrap for the shipped default' }) publishedBy: string;
  @ApiProperty({ format: 'date-time' }) publishedAt: string;
}

export class AssessmentTemplateResponse extends AssessmentTemplateSummaryResponse implements AssessmentTemplateVersion {
  @ApiProperty({ type: 'object', additionalProperties: true, description: '{ name, source, catalogue, sections: [{ id, title, questions: [{ id, text, kind, required, help, options, scale, guide, controls }] }] }' })
  document: AssessmentTemplateDocument;
}
