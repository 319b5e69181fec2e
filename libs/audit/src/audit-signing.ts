import canonicalize from 'canonicalize';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, randomBytes, sign, verify } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * Signed checkpoints of the audit chain (docs/audit-chain.md, section 7): what
 * is signed, how, and how to check it. Everything here is pure, except the
 * loading of the key file; the database side is AuditCheckpoints.
 */

/** The five signed members: the chain's head at a moment, and who signed it. */
export interface Checkpoint {
  chain: string;
  seq: number;
  headHash: string;
  /** UTC, ISO 8601 with milliseconds and `Z`. */
  signedAt: string;
  /** `ed25519:` + the first 16 hex digits of SHA-256 of the raw 32-byte public key. */
  keyId: string;
}

/** A checkpoint with its Ed25519 signature (standard base64, 64 bytes). */
export interface SignedCheckpoint extends Checkpoint {
  signature: string;
}

export const SIGNATURE_ALGORITHM = 'Ed25519';

/** The signing key of this process and its public half, named by its key id. */
export interface AuditSigningKeyPair {
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI PEM, as `openssl pkey -pubout` writes it. */
  publicKeyPem: string;
}

/** The raw 32-byte Ed25519 public key: the last 32 bytes of its SPKI DER encoding. */
function rawPublicKey(publicKey: KeyObject): Buffer {
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32);
}

export function keyIdOf(publicKey: KeyObject): string {
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error(`not an Ed25519 key: ${publicKey.asymmetricKeyType}`);
  return `ed25519:${createHash('sha256').update(rawPublicKey(publicKey)).digest('hex').slice(0, 16)}`;
}

export function keyPairFromPrivatePem(pem: string): AuditSigningKeyPair {
  const privateKey = createPrivateKey({ key: pem, format: 'pem' });
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`the audit signing key is a ${privateKey.asymmetricKeyType} key, not Ed25519`);
  const publicKey = createPublicKey(privateKey);
  return { keyId: keyIdOf(publicKey), privateKey, publicKey, publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString() };
}

/** Exactly the five members, whatever else the object holds: the bytes that are signed. */
export function canonicalCheckpoint(checkpoint: Checkpoint): string {
  const { chain, seq, headHash, signedAt, keyId } = checkpoint;
  return canonicalize({ chain, seq, headHash, signedAt, keyId })!;
}

export function signCheckpoint(checkpoint: Checkpoint, key: AuditSigningKeyPair): SignedCheckpoint {
  if (checkpoint.keyId !== key.keyId) throw new Error(`checkpoint names key ${checkpoint.keyId} but is being signed with ${key.keyId}`);
  const signature = sign(null, Buffer.from(canonicalCheckpoint(checkpoint), 'utf8'), key.privateKey).toString('base64');
  const { chain, seq, headHash, signedAt, keyId } = checkpoint;
  return { chain, seq, headHash, signedAt, keyId, signature };
}

export type CheckpointCheck = { valid: true } | { valid: false; reason: 'malformed' | 'key_mismatch' | 'bad_signature'; detail: string };

/**
 * Checks a signed checkpoint against a public key: its members are well formed,
 * it names that key, and the signature covers exactly its five members.
 */
export function verifyCheckpointSignature(checkpoint: SignedCheckpoint, publicKey: KeyObject): CheckpointCheck {
  const problem = checkpointShapeProblem(checkpoint);
  if (problem) return { valid: false, reason: 'malformed', detail: problem };
  const keyId = keyIdOf(publicKey);
  if (checkpoint.keyId !== keyId) {
    return { valid: false, reason: 'key_mismatch', detail: `the checkpoint was signed by ${checkpoint.keyId}, the public key given is ${keyId}` };
  }
  const signature = Buffer.from(checkpoint.signature, 'base64');
  const ok = signature.length === 64 && verify(null, Buffer.from(canonicalCheckpoint(checkpoint), 'utf8'), publicKey, signature);
  return ok ? { valid: true } : { valid: false, reason: 'bad_signature', detail: 'the signature does not verify with the public key: the checkpoint was changed or not signed by that key' };
}

/** What is wrong with an object read as a signed checkpoint (from a file or a header), or undefined. */
export function checkpointShapeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'a checkpoint is a JSON object';
  const c = value as Record<string, unknown>;
  if (typeof c.chain !== 'string' || c.chain === '') return 'chain must be a non-empty string';
  if (typeof c.seq !== 'number' || !Number.isSafeInteger(c.seq) || c.seq < 1) return 'seq must be an integer ≥ 1';
  if (typeof c.headHash !== 'string' || !/^[0-9a-f]{64}$/.test(c.headHash)) return 'headHash must be 64 lowercase hex digits';
  if (typeof c.signedAt !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(c.signedAt)) return 'signedAt must be an ISO 8601 UTC time with milliseconds';
  if (typeof c.keyId !== 'string' || !/^ed25519:[0-9a-f]{16}$/.test(c.keyId)) return 'keyId must be "ed25519:" and 16 hex digits';
  if (typeof c.signature !== 'string' || !/^[A-Za-z0-9+/]{86}==$/.test(c.signature)) return 'signature must be 64 bytes in standard base64';
  return undefined;
}

/** The `Audit-Checkpoint` header value: the signed checkpoint as compact JSON, base64url-encoded. */
export function encodeCheckpointHeader(checkpoint: SignedCheckpoint): string {
  const { chain, seq, headHash, signedAt, keyId, signature } = checkpoint;
  return Buffer.from(JSON.stringify({ chain, seq, headHash, signedAt, keyId, signature }), 'utf8').toString('base64url');
}

/** A checkpoint as kept in a file: its JSON, or the `Audit-Checkpoint` header value. Throws on anything else. */
export function parseCheckpoint(text: string): SignedCheckpoint {
  const trimmed = text.trim();
  const json = trimmed.startsWith('{') ? trimmed : Buffer.from(trimmed, 'base64url').toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error('not a checkpoint: neither JSON nor an Audit-Checkpoint header value');
  }
  const problem = checkpointShapeProblem(value);
  if (problem) throw new Error(`not a checkpoint: ${problem}`);
  return value as SignedCheckpoint;
}

export const GENERATED_KEY_MODE = 0o600;

/**
 * The key kept at `file`, or a new one written there at first start (mode
 * 0600). Two processes starting at once both end with the same key: the new
 * file is complete before it is linked into place, and linking fails if
 * another process got there first, whose key is then read.
 */
export async function readOrCreateKeyFile(file: string): Promise<{ pem: string; created: boolean }> {
  try {
    return { pem: await fs.readFile(file, 'utf8'), created: false };
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  // Unique per call: two starts in one process and one millisecond must not share a temporary file.
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await fs.writeFile(temporary, pem, { mode: GENERATED_KEY_MODE, flag: 'wx' });
  try {
    await fs.link(temporary, file);
    return { pem, created: true };
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
    return { pem: await fs.readFile(file, 'utf8'), created: false };
  } finally {
    await fs.unlink(temporary).catch(() => undefined);
  }
}

/** When the schedule signs a checkpoint: enough events since the last one, or enough time and at least one event. */
export function checkpointDue(
  head: { seq: number },
  last: { seq: number; signedAt: string } | undefined,
  policy: { everyEvents: number; everySeconds: number },
  now: Date,
): boolean {
  if (head.seq < 1) return false;
  if (!last) return true;
  if (head.seq <= last.seq) return false;
  if (head.seq - last.seq >= policy.everyEvents) return true;
  return now.getTime() - Date.parse(last.signedAt) >= policy.everySeconds * 1000;
}
