import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { RequirementGap } from '../gate-requirements.policy';
import { GATED_TIERS, GATES, Gate, GatedTier, SIGN_OFF_ROLES, SignOffRole, STAGES, Stage, TIERS, Tier } from '../lifecycle';
import { DECISIONS, Decision, ReviewState, RoleSlot } from '../sign-off.policy';

const REVIEW_STATUSES: ReviewState['status'][] = ['open', 'passed', 'rejected', 'changes_requested', 'superseded'];

export class RoleSlotResponse implements RoleSlot {
  @ApiProperty({ enum: SIGN_OFF_ROLES }) role: SignOffRole;
  @ApiProperty({ type: 'integer', minimum: 1 }) quorum: number;
}

export class RequirementGapResponse implements RequirementGap {
  @ApiProperty({ enum: ['evidence', 'checklist', 'impactAssessment', 'risks'] }) field: RequirementGap['field'];
  @ApiProperty({ example: 'missing evidence: model_card' }) detail: string;
}

/** A condition attached to an approval; it becomes an obligation when the gate passes. */
export class ConditionResponse {
  @ApiProperty() description: string;
  @ApiPropertyOptional({ format: 'uuid' }) ownerId?: string;
  @ApiPropertyOptional({ format: 'date', example: '2027-03-31' }) dueDate?: string;
}

export class SignOffResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) signerId: string;
  @ApiProperty({ enum: SIGN_OFF_ROLES }) role: SignOffRole;
  @ApiProperty({ enum: DECISIONS }) decision: Decision;
  @ApiProperty() comment: string;
  @ApiProperty({ type: [ConditionResponse] }) conditions: ConditionResponse[];
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The revision decided on' }) revision: number;
  @ApiProperty() contentHash: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ description: 'A later decision of the same signer took its place' }) superseded: boolean;
  @ApiProperty({ description: 'Given on other content than the review is pinned to now: it no longer counts' }) stale: boolean;
}

/** A person a review names, with the name to show for them. */
export class ReviewPersonResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() displayName: string;
}

export class GateReviewResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) useCaseId: string;
  @ApiProperty({ enum: GATES }) gate: Gate;
  @ApiProperty({ enum: STAGES }) fromStage: Stage;
  @ApiProperty({ enum: STAGES }) toStage: Stage;
  @ApiProperty({ enum: GATED_TIERS }) tier: GatedTier;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The gate policy version the review is pinned to' }) policyVersion: number;
  @ApiProperty({ type: 'integer', minimum: 1 }) openedRevision: number;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The revision under review: decisions are made on it' }) revision: number;
  @ApiProperty() contentHash: string;
  @ApiProperty({ enum: REVIEW_STATUSES }) status: ReviewState['status'];
  @ApiProperty({ type: [RoleSlotResponse], description: 'The sign-offs the gate asks for' }) slots: RoleSlotResponse[];
  @ApiProperty({ type: [RoleSlotResponse], description: 'While open: the approvals still missing, by role' }) missing: RoleSlotResponse[];

  @ApiProperty({ type: [RequirementGapResponse], description: 'What the gate asks for and the use case lacks (evidence, checklist answers, an approved current impact assessment, risk acceptances): it cannot pass until they are there' })
  unmetRequirements: RequirementGapResponse[];

  @ApiProperty({ format: 'uuid' }) openedBy: string;
  @ApiProperty({ format: 'date-time' }) openedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closedAt: string | null;
  @ApiProperty({ type: [SignOffResponse], description: 'Every decision, oldest first' }) signOffs: SignOffResponse[];
  @ApiProperty({ type: [ReviewPersonResponse], description: "The people the review names (its opener, its signers, their conditions' owners) with their display names" })
  people: ReviewPersonResponse[];
}

export class ClearanceAssessmentResponse {
  @ApiProperty({ enum: ['none', 'not_approved', 'stale', 'approved'] }) state: string;
  @ApiProperty({ type: [String] }) reasons: string[];
  @ApiProperty({ description: 'Does the gate into the stage, at the current tier, require an approved impact assessment?' }) requiredForStage: boolean;
}

/** A decision's answer: the review's state after it and the decision itself, without the history (GET /api/reviews/:id has that). */
export class SignOffOutcomeResponse extends OmitType(GateReviewResponse, ['signOffs', 'people'] as const) {
  @ApiProperty({ type: SignOffResponse, description: 'The decision just recorded' }) signOff: SignOffResponse;
}

/** Is the use case cleared for this stage at this revision, and why (not). */
export class ClearanceResponse {
  @ApiProperty({ format: 'uuid' }) useCaseId: string;
  @ApiProperty({ enum: STAGES }) stage: Stage;
  @ApiProperty({ type: 'integer', description: 'The revision asked about' }) revision: number;
  @ApiProperty() cleared: boolean;
  @ApiProperty() reason: string;
  @ApiProperty({ enum: STAGES }) currentStage: Stage;
  @ApiProperty({ type: 'integer', minimum: 1 }) currentRevision: number;
  @ApiProperty({ type: ClearanceAssessmentResponse, description: 'Where the impact assessment stands; a stale one the stage requires means not cleared' })
  impactAssessment: ClearanceAssessmentResponse;
}

export class OverdueUseCaseResponse {
  @ApiProperty({ format: 'uuid' }) useCaseId: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: TIERS }) tier: Tier;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'The day the periodic review is due (midnight)' }) nextReviewDue: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'intended use changed' }) rereviewReason: string | null;
}

export class ObligationResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) reviewId: string;
  @ApiProperty({ format: 'uuid', description: 'The approval whose condition this is' }) signOffId: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) ownerId: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) dueDate: string | null;
  @ApiProperty({ enum: ['open', 'closed'] }) status: 'open' | 'closed';
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closedAt: string | null;
}

/** A review waiting for the caller's sign-off. */
export class InboxItemResponse {
  @ApiProperty({ format: 'uuid' }) reviewId: string;
  @ApiProperty({ format: 'uuid' }) useCaseId: string;
  @ApiProperty({ enum: GATES }) gate: Gate;
  @ApiProperty({ type: 'integer', minimum: 1 }) revision: number;
  @ApiProperty({ format: 'date-time' }) openedAt: string;
  @ApiProperty({ enum: SIGN_OFF_ROLES, isArray: true, description: 'The roles the caller may sign in' }) roles: SignOffRole[];
  @ApiProperty({ description: "The use case's title" }) title: string;
  @ApiProperty({ enum: GATED_TIERS, description: 'The tier the review is pinned to: its slots are that tier\'s' }) tier: GatedTier;
  @ApiProperty({ type: [RoleSlotResponse], description: 'The approvals the gate still needs, by role (quorum: how many more)' }) missing: RoleSlotResponse[];
}

/**
 * One page of the inbox. A page may hold fewer than `limit` reviews (each
 * candidate is checked against every sign-off rule after it is read): follow
 * `nextCursor` until it is null.
 */
export class InboxPageResponse {
  @ApiProperty({ type: [InboxItemResponse] }) items: InboxItemResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' }) nextCursor: string | null;
}
