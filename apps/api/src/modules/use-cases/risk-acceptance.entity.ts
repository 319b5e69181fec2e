import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The decision to accept a risk, exactly as it was described when accepted
 * (`riskHash`): an edit of the risk afterwards leaves the acceptance behind,
 * and the risk waits for a new one. Immutable.
 */
@Entity('risk_acceptances')
export class RiskAcceptance {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'use_case_id', type: 'uuid' })
  useCaseId!: string;

  @Column({ name: 'risk_id', type: 'uuid' })
  riskId!: string;

  @Column({ name: 'risk_hash', type: 'char', length: 64 })
  riskHash!: string;

  /** The inherent severity the authority was judged at. */
  @Column({ type: 'integer' })
  severity!: number;

  @Column({ name: 'use_case_revision', type: 'integer' })
  useCaseRevision!: number;

  @Column({ type: 'text' })
  role!: 'legal' | 'assessor';

  @Column({ name: 'decided_by', type: 'uuid' })
  decidedBy!: string;

  @Column({ type: 'text' })
  comment!: string;

  @Column({ name: 'decided_at', type: 'timestamptz', default: () => 'now()' })
  decidedAt!: Date;
}
