import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Answers } from './assessment-template';

export const ASSESSMENT_STATUSES = ['draft', 'submitted', 'approved'] as const;
export type AssessmentStatus = (typeof ASSESSMENT_STATUSES)[number];

/**
 * A use case's impact assessment: its working revision and where that
 * revision stands. An approval, once given, stays in force (`approvalId`)
 * while the team drafts the next revision, until a later approval replaces it.
 */
@Entity('impact_assessments')
export class ImpactAssessment {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'use_case_id', type: 'uuid' })
  useCaseId!: string;

  @Column({ name: 'template_version', type: 'integer' })
  templateVersion!: number;

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ type: 'jsonb' })
  answers!: Answers;

  @Column({ name: 'content_hash', type: 'char', length: 64 })
  contentHash!: string;

  @Column({ type: 'text' })
  status!: AssessmentStatus;

  @Column({ name: 'submitted_by', type: 'uuid', nullable: true })
  submittedBy!: string | null;

  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true })
  submittedAt!: Date | null;

  /** The use case revision the team submitted the assessment against. */
  @Column({ name: 'submitted_use_case_revision', type: 'integer', nullable: true })
  submittedUseCaseRevision!: number | null;

  @Column({ name: 'approval_id', type: 'uuid', nullable: true })
  approvalId!: string | null;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
