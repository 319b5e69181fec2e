import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Tier } from '../gate-reviews/lifecycle';

export type TierChangeRequestStatus = 'pending' | 'confirmed' | 'refused' | 'superseded';

/**
 * A proposed lowering of a use case's tier, waiting for a second independent
 * person. At most one is pending per use case (tier_change_requests_one_pending).
 */
@Entity('tier_change_requests')
export class TierChangeRequest {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'use_case_id', type: 'uuid' })
  useCaseId!: string;

  /** The override asked for; null asks for the override to be removed (the derived tier applies again). */
  @Column({ type: 'text', nullable: true })
  tier!: Tier | null;

  @Column({ type: 'text' })
  justification!: string;

  @Column({ name: 'from_tier', type: 'text' })
  fromTier!: Tier;

  @Column({ name: 'to_tier', type: 'text' })
  toTier!: Tier;

  @Column({ name: 'proposed_by', type: 'uuid' })
  proposedBy!: string;

  @Column({ name: 'proposed_at', type: 'timestamptz', default: () => 'now()' })
  proposedAt!: Date;

  @Column({ type: 'text', default: 'pending' })
  status!: TierChangeRequestStatus;

  @Column({ name: 'decided_by', type: 'uuid', nullable: true })
  decidedBy!: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;
}
