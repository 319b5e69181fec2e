import { ApiProperty, SchemaObject } from '@nestjs/swagger';
import { EVIDENCE_KINDS, EvidenceKind } from '../../evidence/evidence-kinds';
import { AI_ROLES, AiRole, STAGES, Stage, TIERS, Tier, USE_CASE_STATUSES, UseCaseStatus } from '../../gate-reviews/lifecycle';
import { Risk, RISK_CATEGORIES, RISK_STATUSES, RISK_TREATMENTS, RiskCategory, RiskStatus, RiskTreatment, TierOverride } from '../risk-tier.policy';
import { ChecklistAnswer, EvidenceReference, Stakeholder, UseCaseContent, WorkflowComponent } from '../use-case-content';
import { UseCaseView } from '../use-case.view';
import type { UseCaseDetailView } from '../use-cases.service';
import type { AssessmentState } from '../../impact-assessments/assessment-standing.policy';
import type { AssessmentStatus } from '../../impact-assessments/impact-assessment.entity';
import { RiskTreatmentResponse } from './risk-acceptance.response';

export class WorkflowComponentResponse implements WorkflowComponent {
  @ApiProperty() name: string;
  @ApiProperty() description: string;
}

export class WorkflowResponse {
  @ApiProperty() description: string;
  @ApiProperty({ type: [WorkflowComponentResponse] }) components: WorkflowComponentResponse[];
}

export class StakeholderResponse implements Stakeholder {
  @ApiProperty() name: string;
  @ApiProperty() objectives: string;
  @ApiProperty() affectedNonUser: boolean;
}

export class RiskResponse implements Risk {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() description: string;
  @ApiProperty({ enum: RISK_CATEGORIES }) category: RiskCategory;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5 }) severity: number;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5 }) likelihood: number;
  @ApiProperty({ type: String, nullable: true }) mitigation: string | null;
  @ApiProperty({ type: String, nullable: true }) owner: string | null;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5, nullable: true }) residualSeverity: number | null;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5, nullable: true }) residualLikelihood: number | null;
  @ApiProperty({ enum: RISK_STATUSES, description: 'accepted only on risks recorded before acceptance was a decision; see riskTreatment for acceptances' }) status: RiskStatus;
  @ApiProperty({ enum: RISK_TREATMENTS, nullable: true, required: false, description: 'Absent on risks recorded before treatments were' }) treatment?: RiskTreatment | null;
}

export class TierOverrideResponse implements TierOverride {
  @ApiProperty({ enum: TIERS }) tier: Tier;
  @ApiProperty() justification: string;
}

export class EvidenceReferenceResponse implements EvidenceReference {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: EVIDENCE_KINDS }) kind: EvidenceKind;
  @ApiProperty() title: string;
  @ApiProperty({ type: String, nullable: true, description: 'SHA-256 (hex) of a file' }) sha256: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The address of a link' }) url: string | null;
}

const CHECKLIST_ANSWER_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['answer', 'note'],
  properties: { answer: { type: 'string', enum: ['yes', 'no', 'not_applicable'] }, note: { type: 'string', nullable: true } },
};

/** Everything a revision pins; a sign-off binds to the hash of exactly this. */
export class UseCaseContentResponse implements UseCaseContent {
  @ApiProperty() title: string;
  @ApiProperty() businessProblem: string;
  @ApiProperty({ type: WorkflowResponse }) workflow: WorkflowResponse;
  @ApiProperty({ type: [String] }) inputs: string[];
  @ApiProperty({ type: [String] }) outputs: string[];
  @ApiProperty({ type: [StakeholderResponse] }) stakeholders: StakeholderResponse[];
  @ApiProperty() intendedUse: string;
  @ApiProperty() foreseeableMisuse: string;
  @ApiProperty({ enum: AI_ROLES }) aiRole: AiRole;
  @ApiProperty({ format: 'uuid' }) developerTeamId: string;
  @ApiProperty({ format: 'uuid' }) deployerTeamId: string;
  @ApiProperty({ type: [RiskResponse] }) risks: RiskResponse[];

  @ApiProperty({ type: 'object', additionalProperties: CHECKLIST_ANSWER_SCHEMA, description: 'Answers by checklist item id' })
  checklist: Record<string, ChecklistAnswer>;

  @ApiProperty({ type: TierOverrideResponse, nullable: true }) tierOverride: TierOverrideResponse | null;
  @ApiProperty({ type: [EvidenceReferenceResponse], description: 'The current evidence set' }) evidence: EvidenceReferenceResponse[];
}

export class UseCaseResponse implements UseCaseView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: STAGES }) stage: Stage;
  @ApiProperty({ enum: USE_CASE_STATUSES }) status: UseCaseStatus;
  @ApiProperty({ enum: TIERS, description: 'The tier in force: the override when one is recorded, else the derived tier' }) tier: Tier;
  @ApiProperty({ enum: TIERS, description: 'The tier the risk register gives' }) derivedTier: Tier;
  @ApiProperty({ type: 'integer', minimum: 1 }) revision: number;
  @ApiProperty({ description: 'SHA-256 (hex) of the canonical JSON of content' }) contentHash: string;
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ type: UseCaseContentResponse }) content: UseCaseContentResponse;
}

export class UseCaseAssessmentSummaryResponse {
  @ApiProperty({ enum: ['none', 'not_approved', 'stale', 'approved'] }) state: AssessmentState;
  @ApiProperty({ type: [String] }) reasons: string[];
  @ApiProperty({ enum: ['draft', 'submitted', 'approved'], nullable: true, description: 'Of the working revision' }) status: AssessmentStatus | null;
  @ApiProperty({ type: 'integer', nullable: true }) revision: number | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'The revision whose approval is in force' }) approvedRevision: number | null;
}

/** One use case with what is decided about it outside its content. */
export class UseCaseDetailResponse extends UseCaseResponse implements UseCaseDetailView {
  @ApiProperty({ type: [RiskTreatmentResponse], description: "Each risk's treatment, the scores its tier counts, and its acceptance" }) riskTreatment: RiskTreatmentResponse[];
  @ApiProperty({ type: UseCaseAssessmentSummaryResponse }) impactAssessment: UseCaseAssessmentSummaryResponse;
}

export class UseCasePageResponse {
  @ApiProperty({ type: [UseCaseResponse] }) items: UseCaseResponse[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass back as `cursor` for the next page; null on the last page' })
  nextCursor: string | null;
}
