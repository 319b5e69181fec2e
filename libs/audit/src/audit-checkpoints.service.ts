import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sign } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ChainHead, DEFAULT_CHAIN } from './audit-chain';
import { AuditSigningKeyPair, keyPairFromPrivatePem, readOrCreateKeyFile, SignedCheckpoint, signCheckpoint } from './audit-signing';

/** The process's checkpoint signing key, loaded (or generated) once at start. */
export const AUDIT_SIGNING_KEY = Symbol('AUDIT_SIGNING_KEY');

/**
 * The signing key the configuration names, or the one kept in the data directory
 * (generated there at first start). Says where it came from; never logs the key.
 */
export async function loadAuditSigningKey(config: AppConfig): Promise<{ key: AuditSigningKeyPair; origin: string }> {
  const given = config.audit.signingKey;
  if (given) return { key: keyPairFromPrivatePem(given.pem), origin: `from ${given.source}` };
  const file = config.audit.generatedKeyFile;
  const { pem, created } = await readOrCreateKeyFile(file);
  try {
    return { key: keyPairFromPrivatePem(pem), origin: `${created ? 'generated now and kept' : 'kept'} in ${file}` };
  } catch {
    // Never the key's content: only where it is.
    throw new Error(`The audit signing key in ${file} is not an Ed25519 PKCS#8 PEM private key; restore it, or set GATEHOUSE_AUDIT_SIGNING_KEY_FILE.`);
  }
}

export const auditSigningKeyProvider = {
  provide: AUDIT_SIGNING_KEY,
  inject: [APP_CONFIG],
  useFactory: async (config: AppConfig): Promise<AuditSigningKeyPair> => {
    const { key, origin } = await loadAuditSigningKey(config);
    new Logger('AuditCheckpoints').log(`signing audit checkpoints with ${key.keyId} (${origin})`);
    return key;
  },
};

export interface PublicSigningKey {
  keyId: string;
  algorithm: 'Ed25519';
  /** SPKI PEM. */
  publicKey: string;
  firstUsedAt: string;
}

/** A signature over a whole document's bytes, kept beside it. */
export interface DetachedSignature {
  algorithm: 'Ed25519';
  keyId: string;
  /** Standard base64 of the 64-byte signature. */
  signature: string;
}

export interface CheckpointPage {
  items: SignedCheckpoint[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

interface CheckpointRow {
  chain: string;
  seq: string;
  head_hash: string;
  signed_at: string;
  key_id: string;
  signature: string;
}

const CHECKPOINT_COLUMNS = `chain, seq, head_hash, to_char(signed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS signed_at, key_id, signature`;

const fromRow = (row: CheckpointRow): SignedCheckpoint => ({
  chain: row.chain,
  seq: Number(row.seq),
  headHash: row.head_hash,
  signedAt: row.signed_at,
  keyId: row.key_id,
  signature: row.signature,
});

/**
 * Signed checkpoints of the chain: the head (seq and hash) at a moment, signed
 * with the service's Ed25519 key and kept append-only in audit_checkpoints.
 * A checkpoint is not an audit event: recording one would move the head it
 * signs, and the next checkpoint would have an event to sign again.
 *
 * The head is read from its row (one row: seq and hash always agree), without
 * locking it, so signing never holds up the writers. Two processes may sign
 * the same head: the first insert wins (ON CONFLICT DO NOTHING on (chain, seq)),
 * and both answer with the stored checkpoint.
 */
@Injectable()
export class AuditCheckpoints implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(AUDIT_SIGNING_KEY) private readonly key: AuditSigningKeyPair,
  ) {}

  get keyId(): string {
    return this.key.keyId;
  }

  /** Every public key that ever signed is kept, so checkpoints signed before a rotation stay verifiable. */
  async onModuleInit(): Promise<void> {
    await this.dataSource.query('INSERT INTO audit_signing_keys (key_id, public_key) VALUES ($1, $2) ON CONFLICT (key_id) DO NOTHING', [
      this.key.keyId,
      this.key.publicKeyPem,
    ]);
  }

  /**
   * An Ed25519 signature over `bytes` with the checkpoint key (a document that
   * travels with checkpoints, such as an evidence pack's manifest): whoever
   * trusts the key for checkpoints can trust what it signed this way.
   */
  signDetached(bytes: Buffer): DetachedSignature {
    return { algorithm: 'Ed25519', keyId: this.key.keyId, signature: sign(null, bytes, this.key.privateKey).toString('base64') };
  }

  currentKey(): Omit<PublicSigningKey, 'firstUsedAt'> {
    return { keyId: this.key.keyId, algorithm: 'Ed25519', publicKey: this.key.publicKeyPem };
  }

  async knownKeys(): Promise<PublicSigningKey[]> {
    const rows: { key_id: string; public_key: string; first_used_at: Date }[] = await this.dataSource.query(
      'SELECT key_id, public_key, first_used_at FROM audit_signing_keys ORDER BY first_used_at, key_id',
    );
    return rows.map((row) => ({ keyId: row.key_id, algorithm: 'Ed25519', publicKey: row.public_key, firstUsedAt: row.first_used_at.toISOString() }));
  }

  async readHead(): Promise<ChainHead> {
    const [head] = await this.dataSource.query('SELECT seq, hash FROM audit_chain_heads WHERE chain = $1', [DEFAULT_CHAIN]);
    if (!head) throw new Error(`The audit chain "${DEFAULT_CHAIN}" has no head row; are the migrations applied?`);
    return { seq: Number(head.seq), hash: head.hash };
  }

  /** Signs the chain's current head. */
  async checkpointHead(): Promise<SignedCheckpoint> {
    return this.checkpointAt(await this.readHead());
  }

  /** Signs `head` (read consistently by the caller, e.g. in an export's snapshot) and stores it, or returns the stored one. */
  async checkpointAt(head: ChainHead): Promise<SignedCheckpoint> {
    if (head.seq < 1) throw new Error('The audit chain is empty: there is no head to sign.');
    const signed = signCheckpoint(
      { chain: DEFAULT_CHAIN, seq: head.seq, headHash: head.hash, signedAt: new Date().toISOString(), keyId: this.key.keyId },
      this.key,
    );
    const inserted: CheckpointRow[] = await this.dataSource.query(
      `INSERT INTO audit_checkpoints (chain, seq, head_hash, signed_at, key_id, signature) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (chain, seq) DO NOTHING RETURNING ${CHECKPOINT_COLUMNS}`,
      [signed.chain, signed.seq, signed.headHash, signed.signedAt, signed.keyId, signed.signature],
    );
    if (inserted.length > 0) return fromRow(inserted[0]);
    const existing = await this.at(head.seq);
    if (!existing) throw new Error(`checkpoint at seq ${head.seq} was neither inserted nor found`);
    if (existing.headHash !== head.hash) {
      // The head at this seq was signed earlier with another hash: the chain was rewritten since.
      new Logger('AuditCheckpoints').error({ seq: head.seq, signed: existing.headHash, now: head.hash }, 'the audit chain head differs from its signed checkpoint');
    }
    return existing;
  }

  async at(seq: number): Promise<SignedCheckpoint | undefined> {
    const [row]: CheckpointRow[] = await this.dataSource.query(`SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE chain = $1 AND seq = $2`, [DEFAULT_CHAIN, seq]);
    return row ? fromRow(row) : undefined;
  }

  async latest(): Promise<SignedCheckpoint | undefined> {
    const [row]: CheckpointRow[] = await this.dataSource.query(
      `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE chain = $1 ORDER BY seq DESC LIMIT 1`,
      [DEFAULT_CHAIN],
    );
    return row ? fromRow(row) : undefined;
  }

  /** Newest first; `beforeSeq` continues after a page. */
  async list(limit: number, beforeSeq?: number): Promise<CheckpointPage> {
    const rows: CheckpointRow[] = await this.dataSource.query(
      `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE chain = $1 AND ($2::bigint IS NULL OR seq < $2) ORDER BY seq DESC LIMIT $3`,
      [DEFAULT_CHAIN, beforeSeq ?? null, limit + 1],
    );
    const items = rows.slice(0, limit).map(fromRow);
    const nextCursor = rows.length > limit ? Buffer.from(`checkpoint:${items[items.length - 1].seq}`).toString('base64url') : null;
    return { items, nextCursor };
  }
}

export function decodeCheckpointCursor(cursor: string): number | undefined {
  const match = /^checkpoint:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}
