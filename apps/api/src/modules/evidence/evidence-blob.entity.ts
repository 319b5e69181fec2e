import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from './bigint-number';

/** The stored content of one evidence file: its size and hash; the bytes are in evidence_blob_chunks. Immutable. */
@Entity('evidence_blobs')
export class EvidenceBlob {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'size_bytes', type: 'bigint', transformer: bigintAsNumber })
  sizeBytes!: number;

  @Column({ type: 'char', length: 64 })
  sha256!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
