import { Column, Entity, PrimaryColumn } from 'typeorm';
import { UseCaseContent } from './use-case-content';

/** One immutable revision of a use case's content (rows are refused UPDATE and DELETE by trigger). */
@Entity('use_case_revisions')
export class UseCaseRevision {
  @PrimaryColumn({ name: 'use_case_id', type: 'uuid' })
  useCaseId!: string;

  @PrimaryColumn({ type: 'integer' })
  revision!: number;

  @Column({ type: 'jsonb' })
  content!: UseCaseContent;

  @Column({ name: 'content_hash', type: 'char', length: 64 })
  contentHash!: string;

  @Column({ name: 'changed_fields', type: 'text', array: true })
  changedFields!: string[];

  @Column({ type: 'text' })
  summary!: string;

  @Column({ name: 'author_id', type: 'uuid' })
  authorId!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
