import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Stage, Tier, UseCaseStatus } from '../gate-reviews/lifecycle';
import { UseCaseContent } from './use-case-content';

/**
 * A use case with its current content. `tier` is the tier in force (an
 * override when one is recorded, else the derived tier); every content change
 * is kept in use_case_revisions.
 */
@Entity('use_cases')
export class UseCase {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'developer_team_id', type: 'uuid' })
  developerTeamId!: string;

  @Column({ name: 'deployer_team_id', type: 'uuid' })
  deployerTeamId!: string;

  @Column({ type: 'text', default: 'design' })
  stage!: Stage;

  @Column({ type: 'text', default: 'active' })
  status!: UseCaseStatus;

  @Column({ type: 'text' })
  tier!: Tier;

  @Column({ name: 'derived_tier', type: 'text' })
  derivedTier!: Tier;

  @Column({ type: 'jsonb' })
  content!: UseCaseContent;

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ name: 'content_hash', type: 'char', length: 64 })
  contentHash!: string;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  /** When an operating use case is next due for its periodic review ('YYYY-MM-DD'). */
  @Column({ name: 'next_review_due', type: 'date', nullable: true })
  nextReviewDue!: string | null;

  /** Why an operating use case must be reviewed again before its due date, if it must. */
  @Column({ name: 'rereview_reason', type: 'text', nullable: true })
  rereviewReason!: string | null;
}
