import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A piece of an upload still streaming in, committed on its own. The link
 * transaction moves an upload's chunks into evidence_blob_chunks; chunks of
 * uploads that never finish are swept by age.
 */
@Entity('evidence_upload_chunks')
export class EvidenceUploadChunk {
  @PrimaryColumn({ name: 'upload_id', type: 'uuid' })
  uploadId!: string;

  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  @Column({ type: 'bytea' })
  data!: Buffer;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
