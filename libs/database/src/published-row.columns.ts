import { Column, PrimaryColumn } from 'typeorm';
import type { PublishedRow } from './published-versions';

/**
 * The columns of a table of published versions, declared once: each such
 * table's entity extends this with its own @Entity and document type.
 */
export abstract class PublishedRowColumns<D> implements PublishedRow<D> {
  @PrimaryColumn({ type: 'integer' })
  version!: number;

  @Column({ type: 'jsonb' })
  document!: D;

  @Column({ name: 'document_hash', type: 'char', length: 64 })
  documentHash!: string;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'published_by', type: 'text' })
  publishedBy!: string;

  @Column({ name: 'published_at', type: 'timestamptz', default: () => 'now()' })
  publishedAt!: Date;
}
