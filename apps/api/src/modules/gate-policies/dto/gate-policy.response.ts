import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EVIDENCE_KINDS, EvidenceKind } from '../../evidence/evidence-kinds';
import { Gate, SIGN_OFF_ROLES, SignOffRole } from '../../gate-reviews/lifecycle';
import { GatePolicyVersion } from '../gate-policies.service';
import { ChecklistItem, ControlMapping, EvidenceRequirement, GatePolicyDocument, GateRequirements, SignOffRequirement } from '../gate-policy';

export class SignOffRequirementResponse implements SignOffRequirement {
  @ApiProperty({ enum: SIGN_OFF_ROLES }) role: SignOffRole;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'How many approvals in this role' }) quorum: number;
  @ApiPropertyOptional() note?: string;
}

export class EvidenceRequirementResponse implements EvidenceRequirement {
  @ApiProperty({ enum: EVIDENCE_KINDS }) kind: EvidenceKind;
  @ApiPropertyOptional() note?: string;
}

export class GateRequirementsResponse implements GateRequirements {
  @ApiProperty({ type: [SignOffRequirementResponse] }) signOffs: SignOffRequirementResponse[];
  @ApiProperty({ type: [EvidenceRequirementResponse] }) evidence: EvidenceRequirementResponse[];
  @ApiProperty({ type: [String], description: 'Ids of checklist items that must be answered' }) checklist: string[];
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 36, description: 'operate_review only: how long a passed review holds' }) reviewIntervalMonths?: number;
}

/** A gate's requirements for each tier a policy covers (a prohibited use case passes no gate). */
export class TierRequirementsResponse {
  @ApiProperty({ type: GateRequirementsResponse }) minimal: GateRequirementsResponse;
  @ApiProperty({ type: GateRequirementsResponse }) limited: GateRequirementsResponse;
  @ApiProperty({ type: GateRequirementsResponse }) high: GateRequirementsResponse;
}

export class GatePolicyGatesResponse {
  @ApiProperty({ type: TierRequirementsResponse }) design_to_develop: TierRequirementsResponse;
  @ApiProperty({ type: TierRequirementsResponse }) develop_to_deploy: TierRequirementsResponse;
  @ApiProperty({ type: TierRequirementsResponse }) deploy_to_operate: TierRequirementsResponse;
  @ApiProperty({ type: TierRequirementsResponse }) operate_review: TierRequirementsResponse;
  @ApiProperty({ type: TierRequirementsResponse }) retire: TierRequirementsResponse;
}

const CONTROL_LISTS = { type: 'object', additionalProperties: { type: 'array', items: { type: 'string', example: 'A.6.2.4' } } } as const;

export class ControlMappingResponse implements ControlMapping {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The Annex A catalogue version the control ids belong to' }) catalogue: number;
  @ApiProperty({ ...CONTROL_LISTS, description: 'Control ids by gate' }) gates: Partial<Record<Gate, string[]>>;
  @ApiProperty({ ...CONTROL_LISTS, description: 'Control ids by evidence kind' }) evidenceKinds: Partial<Record<EvidenceKind, string[]>>;
}

export class GatePolicyDocumentResponse implements GatePolicyDocument {
  @ApiProperty() name: string;
  @ApiPropertyOptional() source?: string;

  @ApiProperty({
    type: 'object',
    description: 'Checklist items by id, each with the Annex A controls an answer evidences',
    additionalProperties: {
      type: 'object',
      required: ['text', 'guide'],
      properties: { text: { type: 'string' }, guide: { type: 'string' }, controls: { type: 'array', items: { type: 'string', example: 'A.6.2.4' } } },
    },
  })
  checklistItems: Record<string, ChecklistItem>;

  @ApiProperty({ type: GatePolicyGatesResponse }) gates: GatePolicyGatesResponse;

  @ApiPropertyOptional({ type: ControlMappingResponse, description: 'The ISO/IEC 42001 Annex A controls each gate and evidence kind evidences' })
  controls?: ControlMappingResponse;
}

/** A published version without its document, as the list shows it. */
export class GatePolicySummaryResponse implements Omit<GatePolicyVersion, 'document'> {
  @ApiProperty({ type: 'integer', minimum: 1 }) version: number;
  @ApiProperty({ description: 'SHA-256 (hex) of the canonical JSON of the document' }) documentHash: string;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({ description: 'The user id of the publisher, or system:bootstrap for the shipped default' }) publishedBy: string;
  @ApiProperty({ format: 'date-time' }) publishedAt: string;
}

export class GatePolicyResponse extends GatePolicySummaryResponse implements GatePolicyVersion {
  @ApiProperty({ type: GatePolicyDocumentResponse }) document: GatePolicyDocumentResponse;
}
