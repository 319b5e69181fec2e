import { ApiProperty } from '@nestjs/swagger';
import { TIERS, Tier } from '../../gate-reviews/lifecycle';
import { TierChangeRequestView } from '../tier-decisions.service';

/** A proposed lowering of the tier, waiting for (or answered by) a second independent person. */
export class TierChangeRequestResponse implements TierChangeRequestView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) useCaseId: string;
  @ApiProperty({ enum: [...TIERS, null], nullable: true, description: 'The override asked for; null asks for the override to be removed' }) tier: Tier | null;
  @ApiProperty() justification: string;
  @ApiProperty({ enum: TIERS }) fromTier: Tier;
  @ApiProperty({ enum: TIERS }) toTier: Tier;
  @ApiProperty({ format: 'uuid' }) proposedBy: string;
  @ApiProperty({ format: 'date-time' }) proposedAt: string;
  @ApiProperty({ enum: ['pending', 'confirmed', 'refused', 'superseded'] }) status: TierChangeRequestView['status'];
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) decidedBy: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) comment: string | null;
}
