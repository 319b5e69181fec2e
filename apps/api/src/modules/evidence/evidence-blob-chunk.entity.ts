import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One numbered piece of a blob's bytes, read in seq order. Immutable. */
@Entity('evidence_blob_chunks')
export class EvidenceBlobChunk {
  @PrimaryColumn({ name: 'blob_id', type: 'uuid' })
  blobId!: string;

  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  @Column({ type: 'bytea' })
  data!: Buffer;
}
