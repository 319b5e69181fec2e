import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Gate, GatedTier, Stage } from './lifecycle';
import type { ReviewState, RoleSlot } from './sign-off.policy';

export type ReviewStatus = ReviewState['status'];

/**
 * One request to pass one gate, pinned to the policy version, tier and content
 * revision it is decided on. At most one is open per use case (a partial
 * unique index, gate_reviews_one_open, has the last word).
 */
@Entity('gate_reviews')
export class GateReview {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'use_case_id', type: 'uuid' })
  useCaseId!: string;

  @Column({ type: 'text' })
  gate!: Gate;

  @Column({ name: 'from_stage', type: 'text' })
  fromStage!: Stage;

  @Column({ name: 'to_stage', type: 'text' })
  toStage!: Stage;

  /** The tier whose slots the review asks for; re-pinned when the use case's tier changes. */
  @Column({ type: 'text' })
  tier!: GatedTier;

  @Column({ name: 'policy_version', type: 'integer' })
  policyVersion!: number;

  @Column({ type: 'jsonb' })
  slots!: RoleSlot[];

  @Column({ name: 'opened_revision', type: 'integer' })
  openedRevision!: number;

  /** The revision decisions are taken on: it follows the use case's content while the review is open. */
  @Column({ type: 'integer' })
  revision!: number;

  @Column({ name: 'content_hash', type: 'char', length: 64 })
  contentHash!: string;

  @Column({ type: 'text', default: 'open' })
  status!: ReviewStatus;

  @Column({ name: 'opened_by', type: 'uuid' })
  openedBy!: string;

  @Column({ name: 'opened_at', type: 'timestamptz', default: () => 'now()' })
  openedAt!: Date;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;
}
