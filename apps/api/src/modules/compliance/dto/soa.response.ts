import { ApiProperty } from '@nestjs/swagger';
import { IMPLEMENTATION_STATUSES, ImplementationStatus } from '../statement-of-applicability.policy';

export class ControlEvidenceResponse {
  @ApiProperty({ enum: ['evidence_kind', 'gate', 'checklist_item'] }) source: 'evidence_kind' | 'gate' | 'checklist_item';
  @ApiProperty({ description: 'The evidence kind, gate or checklist item id' }) name: string;
  @ApiProperty({ type: 'integer', description: 'Evidence files of the kind, gates passed, or use cases that answered the item' }) count: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) latestAt: string | null;
}

export class SoaControlResponse {
  @ApiProperty({ example: 'A.6.2.4' }) controlId: string;
  @ApiProperty({ description: 'The short title only' }) title: string;
  @ApiProperty({ example: 'A.6' }) objective: string;
  @ApiProperty({ enum: ['primary', 'supporting', 'organisational'], description: 'How much a gate workflow can evidence by its own records' }) evidenceType: string;
  @ApiProperty() applicable: boolean;
  @ApiProperty({ type: String, nullable: true }) justification: string | null;
  @ApiProperty({ enum: IMPLEMENTATION_STATUSES, nullable: true }) status: ImplementationStatus | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) ownerId: string | null;
  @ApiProperty({ type: [ControlEvidenceResponse], description: "Filled in from Gatehouse's records through the gate policy's control mapping" }) evidence: ControlEvidenceResponse[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) latestEvidenceAt: string | null;
}

export class SoaCatalogueResponse {
  @ApiProperty({ example: 'iso42001-annex-a' }) name: string;
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty() standard: string;
}

export class StatementOfApplicabilityResponse {
  @ApiProperty({ type: 'integer', minimum: 0, description: '0 until the first edit' }) version: number;
  @ApiProperty({ type: SoaCatalogueResponse }) catalogue: SoaCatalogueResponse;
  @ApiProperty({ type: String, nullable: true }) editedBy: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) editedAt: string | null;
  @ApiProperty({ type: 'integer', description: 'The gate policy version whose control mapping filled in the evidence' }) policyVersion: number;
  @ApiProperty({ type: [SoaControlResponse] }) controls: SoaControlResponse[];
}

export class SoaVersionResponse {
  @ApiProperty({ type: 'integer', minimum: 1 }) version: number;
  @ApiProperty({ type: 'integer' }) catalogue: number;
  @ApiProperty() changedControl: string;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty() editedBy: string;
  @ApiProperty({ format: 'date-time' }) editedAt: string;
}
