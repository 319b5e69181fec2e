import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  canonicalCheckpoint, Checkpoint, checkpointDue, encodeCheckpointHeader, keyIdOf, keyPairFromPrivatePem, parseCheckpoint,
  readOrCreateKeyFile, signCheckpoint, verifyCheckpointSignature,
} from './audit-signing';

const newKey = () => keyPairFromPrivatePem(generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());

describe('checkpoint signatures', () => {
  const key = newKey();
  const checkpoint: Checkpoint = { chain: 'main', seq: 42, headHash: 'ab'.repeat(32), signedAt: '2026-11-25T11:40:03.127Z', keyId: key.keyId };

  it('derives the key id from the raw 32-byte public key', () => {
    const raw = key.publicKey.export({ format: 'jwk' }).x!;
    const expected = `ed25519:${createHash('sha256').update(Buffer.from(raw, 'base64url')).digest('hex').slice(0, 16)}`;
    expect(key.keyId).toBe(expected);
    expect(keyIdOf(createPublicKey(key.publicKeyPem))).toBe(expected);
  });

  it('signs exactly the five members in RFC 8785 form', () => {
    expect(canonicalCheckpoint({ ...checkpoint, signature: 'ignored' } as Checkpoint)).toBe(
      `{"chain":"main","headHash":"${'ab'.repeat(32)}","keyId":"${key.keyId}","seq":42,"signedAt":"2026-11-25T11:40:03.127Z"}`,
    );
  });

  it('verifies what it signed, also after a round trip through the header', () => {
    const signed = signCheckpoint(checkpoint, key);
    expect(Buffer.from(signed.signature, 'base64')).toHaveLength(64);
    expect(verifyCheckpointSignature(signed, key.publicKey)).toEqual({ valid: true });
    const header = encodeCheckpointHeader(signed);
    expect(header).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(parseCheckpoint(header)).toEqual(signed);
    expect(parseCheckpoint(JSON.stringify(signed, null, 2))).toEqual(signed);
  });

  it.each([
    ['seq', { seq: 41 }],
    ['headHash', { headHash: 'cd'.repeat(32) }],
    ['signedAt', { signedAt: '2026-11-25T11:40:03.128Z' }],
    ['chain', { chain: 'other' }],
  ])('refuses a checkpoint whose %s was changed', (_member, change) => {
    const signed = { ...signCheckpoint(checkpoint, key), ...change };
    expect(verifyCheckpointSignature(signed, key.publicKey)).toMatchObject({ valid: false, reason: 'bad_signature' });
  });

  it('refuses a forged signature', () => {
    const signed = signCheckpoint(checkpoint, key);
    const bytes = Buffer.from(signed.signature, 'base64');
    bytes[10] ^= 1;
    expect(verifyCheckpointSignature({ ...signed, signature: bytes.toString('base64') }, key.publicKey)).toMatchObject({ valid: false, reason: 'bad_signature' });
  });

  it('refuses a checkpoint signed by another key, named as it or as this one', () => {
    const other = newKey();
    const byOther = signCheckpoint({ ...checkpoint, keyId: other.keyId }, other);
    expect(verifyCheckpointSignature(byOther, key.publicKey)).toMatchObject({ valid: false, reason: 'key_mismatch' });
    // Another key's signature under this key's id.
    const relabelled = { ...byOther, keyId: key.keyId };
    expect(verifyCheckpointSignature(relabelled, key.publicKey)).toMatchObject({ valid: false, reason: 'bad_signature' });
    expect(() => signCheckpoint(checkpoint, other)).toThrow(/names key/);
  });

  it('refuses malformed checkpoints', () => {
    const signed = signCheckpoint(checkpoint, key);
    expect(verifyCheckpointSignature({ ...signed, seq: 1.5 }, key.publicKey)).toMatchObject({ valid: false, reason: 'malformed' });
    expect(() => parseCheckpoint('not a checkpoint')).toThrow(/not a checkpoint/);
    expect(() => parseCheckpoint('{"chain":"main"}')).toThrow(/not a checkpoint: seq/);
  });
});

describe('the generated key file', () => {
  it('is created once with mode 0600 and read back after', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-key-'));
    try {
      const file = path.join(dir, 'state', 'audit-signing-key.pem');
      const [a, b] = await Promise.all([readOrCreateKeyFile(file), readOrCreateKeyFile(file)]);
      expect(a.pem).toBe(b.pem);
      expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(await readOrCreateKeyFile(file)).toEqual({ pem: await readFile(file, 'utf8'), created: false });
      expect(keyPairFromPrivatePem(a.pem).keyId).toMatch(/^ed25519:[0-9a-f]{16}$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('checkpointDue', () => {
  const policy = { everyEvents: 10, everySeconds: 300 };
  const now = new Date('2026-11-25T12:00:00.000Z');
  it.each([
    ['an empty chain', { seq: 0 }, undefined, false],
    ['no checkpoint yet', { seq: 1 }, undefined, true],
    ['the head has not moved', { seq: 5 }, { seq: 5, signedAt: '2026-11-25T00:00:00.000Z' }, false],
    ['enough events', { seq: 15 }, { seq: 5, signedAt: '2026-11-25T11:59:59.000Z' }, true],
    ['too few events, too soon', { seq: 14 }, { seq: 5, signedAt: '2026-11-25T11:59:59.000Z' }, false],
    ['too few events, but long enough', { seq: 6 }, { seq: 5, signedAt: '2026-11-25T11:55:00.000Z' }, true],
  ])('%s', (_case, head, last, due) => {
    expect(checkpointDue(head, last, policy, now)).toBe(due);
  });
});
