import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A sign-in started at a provider and not yet back (migration CreateOidcSignIn). */
@Entity('oidc_logins')
export class OidcLogin {
  @PrimaryColumn({ name: 'state_hash', type: 'bytea' })
  stateHash!: Buffer;

  @Column({ name: 'provider_id', type: 'text' })
  providerId!: string;

  @Column({ type: 'text' })
  nonce!: string;

  @Column({ name: 'code_verifier', type: 'text' })
  codeVerifier!: string;

  @Column({ name: 'next_path', type: 'text' })
  nextPath!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
