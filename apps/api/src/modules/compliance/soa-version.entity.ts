import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SoaEntry } from './statement-of-applicability.policy';

/** One version of the Statement of Applicability: every control's entry, as of one edit. Never changed. */
@Entity('soa_versions')
export class SoaVersion {
  @PrimaryColumn({ type: 'integer' })
  version!: number;

  /** The Annex A catalogue version the entries are made against. */
  @Column({ type: 'integer' })
  catalogue!: number;

  @Column({ type: 'jsonb' })
  entries!: SoaEntry[];

  @Column({ name: 'changed_control', type: 'text' })
  changedControl!: string;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'edited_by', type: 'text' })
  editedBy!: string;

  @Column({ name: 'edited_at', type: 'timestamptz', default: () => 'now()' })
  editedAt!: Date;
}
