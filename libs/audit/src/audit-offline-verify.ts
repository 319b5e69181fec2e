import { KeyObject } from 'node:crypto';
import { ChainVerifier, describeVerification, VerificationResult } from './audit-chain';
import { AuditEvent } from './audit-event';
import { SignedCheckpoint, verifyCheckpointSignature } from './audit-signing';

/** A line of the file that is not an event: the file is not an NDJSON export. */
export class NotAnExportError extends Error {
  override name = 'NotAnExportError';
}

export type OfflineCheckName = 'chain' | 'checkpoint' | 'signature';

export interface OfflineCheck {
  check: OfflineCheckName;
  ok: boolean;
  detail: string;
}

export interface OfflineVerification {
  intact: boolean;
  chain: VerificationResult;
  checks: OfflineCheck[];
}

/**
 * Verifies an unfiltered NDJSON export against a signed checkpoint, without a
 * database (docs/audit-chain.md, section 7):
 *
 * 1. chain: the events link and hash from seq 1 (sections 2 and 3);
 * 2. checkpoint: the export reaches the checkpoint's seq, and the event there
 *    has the checkpoint's head hash (an export that ends before it was cut;
 *    another hash means the chain was rewritten at or before it). Events after
 *    it are checked by the chain rules only;
 * 3. signature: the checkpoint names the given public key, and its Ed25519
 *    signature over its five members verifies with it.
 */
export async function verifyExportOffline(lines: AsyncIterable<string>, checkpoint: SignedCheckpoint, publicKey: KeyObject): Promise<OfflineVerification> {
  const verifier = new ChainVerifier(checkpoint.chain);
  let lineNumber = 0;
  let last: AuditEvent | undefined;
  let atCheckpoint: AuditEvent | undefined;
  let walking = true;
  for await (const line of lines) {
    lineNumber += 1;
    if (!walking) continue;
    if (line === '') throw new NotAnExportError(`line ${lineNumber} is empty: an NDJSON export has no empty lines`);
    let event: AuditEvent;
    try {
      event = JSON.parse(line) as AuditEvent;
    } catch {
      throw new NotAnExportError(`line ${lineNumber} is not JSON`);
    }
    const duplicate = duplicateMemberName(line);
    if (duplicate !== undefined) {
      // Parsers disagree on which of two same-named members wins (docs/audit-chain.md, section 2): refused, not picked.
      throw new NotAnExportError(`line ${lineNumber} names the member ${JSON.stringify(duplicate)} twice in one object`);
    }
    if (typeof event !== 'object' || event === null || typeof event.seq !== 'number' || typeof event.hash !== 'string') {
      throw new NotAnExportError(`line ${lineNumber} is not an audit event (no seq or hash)`);
    }
    if (!verifier.push(event)) {
      walking = false;
      continue;
    }
    last = event;
    if (event.seq === checkpoint.seq) atCheckpoint = event;
  }
  const chain = verifier.result();
  const checks: OfflineCheck[] = [{ check: 'chain', ok: chain.intact, detail: lineNumber === 0 ? 'the file is empty: an export never is' : describeVerification(chain) }];
  if (lineNumber === 0) checks[0].ok = false;

  if (atCheckpoint) {
    const ok = atCheckpoint.hash === checkpoint.headHash;
    const after = last!.seq - checkpoint.seq;
    checks.push({
      check: 'checkpoint',
      ok,
      detail: ok
        ? `the export reaches seq ${checkpoint.seq} with the signed head hash${after > 0 ? `; the ${after} events after it are covered by the chain check only` : ''}`
        : `the event at seq ${checkpoint.seq} has hash ${atCheckpoint.hash}, the checkpoint signed ${checkpoint.headHash}: the chain was rewritten at or before seq ${checkpoint.seq}`,
    });
  } else if (chain.intact) {
    checks.push({
      check: 'checkpoint',
      ok: false,
      detail: `the export ends at seq ${chain.toSeq}, before the checkpoint's seq ${checkpoint.seq}: events were cut from the end`,
    });
  } else {
    checks.push({ check: 'checkpoint', ok: false, detail: `not reached: the chain breaks at seq ${chain.firstBreak.seq}, before the checkpoint's seq ${checkpoint.seq}` });
  }

  const signature = verifyCheckpointSignature(checkpoint, publicKey);
  checks.push(
    signature.valid
      ? { check: 'signature', ok: true, detail: `valid Ed25519 signature by ${checkpoint.keyId}, signed at ${checkpoint.signedAt}` }
      : { check: 'signature', ok: false, detail: `${signature.reason}: ${signature.detail}` },
  );
  return { intact: checks.every((check) => check.ok), chain, checks };
}

/**
 * The first member name that appears twice in one object, at any depth, of a
 * text that is already known to be valid JSON; undefined when there is none.
 */
export function duplicateMemberName(json: string): string | undefined {
  // One entry per open object (its names so far) or array (null).
  const open: (Set<string> | null)[] = [];
  let expectName = false;
  for (let i = 0; i < json.length; i++) {
    const ch = json[i];
    if (ch === '"') {
      let end = i + 1;
      while (json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      if (expectName) {
        const name = JSON.parse(json.slice(i, end + 1)) as string;
        const names = open[open.length - 1]!;
        if (names.has(name)) return name;
        names.add(name);
        expectName = false;
      }
      i = end;
    } else if (ch === '{') {
      open.push(new Set());
      expectName = true;
    } else if (ch === '[') {
      open.push(null);
    } else if (ch === '}' || ch === ']') {
      open.pop();
      expectName = false;
    } else if (ch === ',') {
      expectName = open[open.length - 1] instanceof Set;
    }
  }
  return undefined;
}
