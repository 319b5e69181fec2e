import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AssessmentTemplateDocument } from './assessment-template';

/** One published version of the impact-assessment template. Versions are immutable; the next is max(version) + 1. */
@Entity('assessment_templates')
export class AssessmentTemplate {
  @PrimaryColumn({ type: 'integer' })
  version!: number;

  @Column({ type: 'jsonb' })
  document!: AssessmentTemplateDocument;

  @Column({ name: 'document_hash', type: 'char', length: 64 })
  documentHash!: string;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'published_by', type: 'text' })
  publishedBy!: string;

  @Column({ name: 'published_at', type: 'timestamptz', default: () => 'now()' })
  publishedAt!: Date;
}
