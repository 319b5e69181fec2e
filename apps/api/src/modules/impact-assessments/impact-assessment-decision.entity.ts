import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AssessmentScope } from './assessment-standing.policy';

export const ASSESSMENT_DECISIONS = ['approve', 'request_changes'] as const;
export type AssessmentDecision = (typeof ASSESSMENT_DECISIONS)[number];

/**
 * An approval of, or a request for changes to, one revision of an impact
 * assessment. It records what the approval covered — the use case's scope
 * (intended use, stakeholders, inputs, outputs) and tier at that moment — so
 * the approval can be seen to go stale when either moves. Immutable.
 */
@Entity('impact_assessment_decisions')
export class ImpactAssessmentDecision {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'assessment_id', type: 'uuid' })
  assessmentId!: string;

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ name: 'content_hash', type: 'char', length: 64 })
  contentHash!: string;

  @Column({ name: 'template_version', type: 'integer' })
  templateVersion!: number;

  @Column({ type: 'text' })
  decision!: AssessmentDecision;

  @Column({ type: 'text' })
  role!: 'legal' | 'assessor';

  @Column({ name: 'decided_by', type: 'uuid' })
  decidedBy!: string;

  @Column({ type: 'text' })
  comment!: string;

  @Column({ name: 'use_case_revision', type: 'integer' })
  useCaseRevision!: number;

  @Column({ type: 'jsonb' })
  scope!: AssessmentScope;

  @Column({ type: 'text' })
  tier!: string;

  @Column({ name: 'decided_at', type: 'timestamptz', default: () => 'now()' })
  decidedAt!: Date;
}
