import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Who a provider's subject is in Gatehouse (migration CreateOidcSignIn). */
@Entity('user_identities')
export class UserIdentity {
  @PrimaryColumn({ name: 'provider_id', type: 'text' })
  providerId!: string;

  @PrimaryColumn({ type: 'text' })
  subject!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  /** The provider's email claim at the last sign-in: shown, never used to find the user. */
  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'last_sign_in_at', type: 'timestamptz', default: () => 'now()' })
  lastSignInAt!: Date;
}
