import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Answers } from './assessment-template';

/** Every save of an impact assessment, immutable: what the team wrote, on which template, hashed. */
@Entity('impact_assessment_revisions')
export class ImpactAssessmentRevision {
  @PrimaryColumn({ name: 'assessment_id', type: 'uuid' })
  assessmentId!: string;

  @PrimaryColumn({ type: 'integer' })
  revision!: number;

  @Column({ name: 'template_version', type: 'integer' })
  templateVersion!: number;

  @Column({ type: 'jsonb' })
  answers!: Answers;

  @Column({ name: 'content_hash', type: 'char', length: 64 })
  contentHash!: string;

  @Column({ name: 'author_id', type: 'uuid' })
  authorId!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
