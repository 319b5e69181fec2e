import { ApiProperty } from '@nestjs/swagger';
import { RISK_TREATMENTS, RiskTreatment } from '../risk-tier.policy';
import type { RiskAcceptanceView } from '../risk-acceptances.repository';
import type { RiskTreatmentView } from '../risk-acceptance.policy';

export class RiskAcceptanceResponse implements RiskAcceptanceView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) useCaseId: string;
  @ApiProperty({ format: 'uuid' }) riskId: string;
  @ApiProperty({ description: 'SHA-256 of the risk as accepted (every field but its status); an edit of the risk leaves the acceptance behind' }) riskHash: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5, description: 'The inherent severity the authority was judged at' }) severity: number;
  @ApiProperty({ type: 'integer' }) useCaseRevision: number;
  @ApiProperty({ enum: ['legal', 'assessor'] }) role: string;
  @ApiProperty({ format: 'uuid' }) decidedBy: string;
  @ApiProperty() comment: string;
  @ApiProperty({ format: 'date-time' }) decidedAt: string;
}

export class RiskTreatmentResponse implements RiskTreatmentView<RiskAcceptanceResponse> {
  @ApiProperty({ format: 'uuid' }) riskId: string;
  @ApiProperty({ enum: RISK_TREATMENTS, nullable: true }) treatment: RiskTreatment | null;
  @ApiProperty({ type: String, nullable: true }) owner: string | null;
  @ApiProperty({ enum: ['residual', 'inherent'], description: 'The scores the tier derivation counts: residual once recorded, else inherent' }) scoredOn: 'residual' | 'inherent';
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 25 }) score: number;
  @ApiProperty({ type: RiskAcceptanceResponse, nullable: true, description: 'The acceptance that covers the risk as it stands' }) acceptance: RiskAcceptanceResponse | null;
  @ApiProperty({ description: 'Treated by acceptance and not (or no longer) accepted: gates wait for it' }) awaitingAcceptance: boolean;
}
