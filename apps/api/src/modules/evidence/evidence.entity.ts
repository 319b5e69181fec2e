import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from './bigint-number';
import { EvidenceKind } from './evidence-kinds';

/**
 * One evidence file or link of a use case. Rows are immutable: a new version
 * is a new row whose previous_id points at the one it replaces (at most one
 * newer version each, by a unique constraint).
 */
@Entity('evidence')
export class Evidence {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'use_case_id', type: 'uuid' })
  useCaseId!: string;

  @Column({ type: 'text' })
  kind!: EvidenceKind;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  source!: 'file' | 'link';

  @Column({ type: 'text', nullable: true })
  url!: string | null;

  @Column({ name: 'file_name', type: 'text', nullable: true })
  fileName!: string | null;

  @Column({ name: 'media_type', type: 'text', nullable: true })
  mediaType!: string | null;

  @Column({ name: 'size_bytes', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  sizeBytes!: number | null;

  @Column({ type: 'char', length: 64, nullable: true })
  sha256!: string | null;

  @Column({ name: 'blob_id', type: 'uuid', nullable: true })
  blobId!: string | null;

  @Column({ name: 'previous_id', type: 'uuid', nullable: true })
  previousId!: string | null;

  @Column({ name: 'uploaded_by', type: 'uuid' })
  uploadedBy!: string;

  @Column({ name: 'uploaded_at', type: 'timestamptz', default: () => 'now()' })
  uploadedAt!: Date;
}
