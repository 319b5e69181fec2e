import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { SignOffRole } from './lifecycle';
import type { Decision } from './sign-off.policy';

/** An approval's condition: it becomes an obligation when the gate passes. */
export interface SignOffCondition {
  description: string;
  ownerId?: string;
  dueDate?: string;
}

/**
 * One decision by one person on one review. Append-only (a trigger refuses
 * UPDATE and DELETE): a later decision by the same person supersedes it.
 */
@Entity('sign_offs')
export class SignOff {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'review_id', type: 'uuid' })
  reviewId!: string;

  @Column({ name: 'signer_id', type: 'uuid' })
  signerId!: string;

  @Column({ type: 'text' })
  role!: SignOffRole;

  @Column({ type: 'text' })
  decision!: Decision;

  @Column({ type: 'text' })
  comment!: string;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  conditions!: SignOffCondition[];

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ name: 'content_hash', type: 'char', length: 64 })
  contentHash!: string;

  @Column({ type: 'uuid', nullable: true, unique: true })
  supersedes!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
