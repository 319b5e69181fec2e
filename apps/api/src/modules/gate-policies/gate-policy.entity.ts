import { Column, Entity, PrimaryColumn } from 'typeorm';
import { GatePolicyDocument } from './gate-policy';

/** One published version of the gate policy. Versions are immutable; the next is max(version) + 1. */
@Entity('gate_policies')
export class GatePolicy {
  @PrimaryColumn({ type: 'integer' })
  version!: number;

  @Column({ type: 'jsonb' })
  document!: GatePolicyDocument;

  @Column({ name: 'document_hash', type: 'char', length: 64 })
  documentHash!: string;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'published_by', type: 'text' })
  publishedBy!: string;

  @Column({ name: 'published_at', type: 'timestamptz', default: () => 'now()' })
  publishedAt!: Date;
}
