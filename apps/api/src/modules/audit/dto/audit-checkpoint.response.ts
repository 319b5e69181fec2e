import { ApiProperty } from '@nestjs/swagger';
import { CheckpointPage, PublicSigningKey, SignedCheckpoint } from '@app/audit';

/** A signed checkpoint (docs/audit-chain.md, section 7): the signature covers the five other members. */
export class AuditCheckpointResponse implements SignedCheckpoint {
  @ApiProperty({ example: 'main' }) chain: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The head seq signed' }) seq: number;
  @ApiProperty({ description: 'The hash of the event at seq (hex)' }) headHash: string;
  @ApiProperty({ format: 'date-time', description: 'When it was signed (UTC, milliseconds)' }) signedAt: string;
  @ApiProperty({ example: 'ed25519:0123456789abcdef', description: 'ed25519: + the first 16 hex digits of SHA-256 of the raw public key' }) keyId: string;
  @ApiProperty({ description: 'Ed25519 signature of the RFC 8785 canonical JSON of chain, seq, headHash, signedAt, keyId (base64)' }) signature: string;
}

export class AuditCheckpointPageResponse implements CheckpointPage {
  @ApiProperty({ type: [AuditCheckpointResponse], description: 'Newest first' }) items: AuditCheckpointResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass back as `cursor` for the next (older) page; null on the last page' }) nextCursor: string | null;
}

export class AuditSigningKeyResponse implements PublicSigningKey {
  @ApiProperty({ example: 'ed25519:0123456789abcdef' }) keyId: string;
  @ApiProperty({ enum: ['Ed25519'] }) algorithm: 'Ed25519';
  @ApiProperty({ description: 'SPKI PEM' }) publicKey: string;
  @ApiProperty({ format: 'date-time', description: 'When the service first used it' }) firstUsedAt: string;
}

export class AuditPublicKeyResponse {
  @ApiProperty({ example: 'ed25519:0123456789abcdef', description: 'The key signing new checkpoints' }) keyId: string;
  @ApiProperty({ enum: ['Ed25519'] }) algorithm: 'Ed25519';
  @ApiProperty({ description: 'SPKI PEM of the current key' }) publicKey: string;
  @ApiProperty({ type: [AuditSigningKeyResponse], description: 'Every key that ever signed a checkpoint, oldest first' }) keys: AuditSigningKeyResponse[];
}
