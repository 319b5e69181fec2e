import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { AuditEvent } from './audit-event';

/** The chain's first event links to this value (64 zeros). */
export const GENESIS_HASH = '0'.repeat(64);

export const DEFAULT_CHAIN = 'main';

/**
 * hash = lowercase hex SHA-256 of the RFC 8785 (JCS) serialisation of the event
 * with every field except `hash` itself — `prevHash` included, which is what
 * links each event to the one before it.
 */
export function computeEventHash(event: Omit<AuditEvent, 'hash'> | AuditEvent): string {
  const { hash: _ignored, ...content } = event as AuditEvent;
  return createHash('sha256').update(canonicalize(content)!, 'utf8').digest('hex');
}

/** Members whose values the database sets: the time when the event is written, its place when it is sealed; in JCS order. */
const SEALED_MEMBERS = ['occurredAt', 'prevHash', 'seq'] as const;

/**
 * The canonical JSON of an event, cut around the three members the database
 * sets — occurredAt (when the pending event is written), prevHash and seq
 * (when it is sealed) — so seal_audit_events() can finish and hash it:
 *
 *   canonical = parts[0] + occurredAt + parts[1] + prevHash + parts[2] + seq + parts[3]
 *
 * It is JCS applied member by member at the top level (names sorted by UTF-16
 * code units, as Array.prototype.sort does). The two string values need no
 * escaping (an ISO timestamp and hex), so only their quotes go in the parts.
 */
export function canonicalEventTemplate(content: Omit<AuditEvent, 'hash' | 'seq' | 'prevHash' | 'occurredAt'>): string[] {
  const known = content as unknown as Record<string, unknown>;
  const names = [...Object.keys(known).filter((name) => known[name] !== undefined), ...SEALED_MEMBERS].sort();
  const parts: string[] = [];
  let current = '{';
  names.forEach((name, index) => {
    current += `${index ? ',' : ''}${canonicalize(name)}:`;
    const sealed = (SEALED_MEMBERS as readonly string[]).includes(name);
    if (!sealed) {
      current += canonicalize(known[name]);
      return;
    }
    const quote = name === 'seq' ? '' : '"';
    parts.push(current + quote);
    current = quote;
  });
  parts.push(`${current}}`);
  return parts;
}

export type ChainBreakReason = 'hash_mismatch' | 'prev_hash_mismatch' | 'sequence_gap' | 'head_mismatch';

export interface ChainBreak {
  seq: number;
  eventId: string | null;
  reason: ChainBreakReason;
  detail: string;
}

/** The chain's recorded head: the last seq and its hash, kept in a row of its own. */
export interface ChainHead {
  seq: number;
  hash: string;
}

export type VerificationResult =
  | { intact: true; chain: string; fromSeq: number; toSeq: number; eventsChecked: number; headHash: string }
  | { intact: false; chain: string; fromSeq: number; intactUpToSeq: number; eventsChecked: number; firstBreak: ChainBreak };

/**
 * Walks events in sequence order, one at a time (so a chain of any length is
 * checked in constant memory), and stops at the first broken link.
 */
export class ChainVerifier {
  private expectedSeq: number;
  private previousHash: string;
  private previousId: string | null = null;
  private checked = 0;
  private broken: ChainBreak | undefined;

  /**
   * @param fromSeq the first sequence number expected
   * @param prevHash the hash of event `fromSeq - 1` (the genesis value when starting at 1)
   * @param head the recorded head, when known: an event past it is a break
   */
  constructor(
    private readonly chain: string,
    private readonly fromSeq = 1,
    prevHash = GENESIS_HASH,
    private readonly head?: ChainHead,
  ) {
    this.expectedSeq = fromSeq;
    this.previousHash = prevHash;
  }

  /** Returns false once the chain is broken; later events are not examined. */
  push(event: AuditEvent): boolean {
    if (this.broken) return false;
    return this.pushLink(event, () => computeEventHash(event));
  }

  /**
   * The same checks for a link whose content hash the caller recomputes (from
   * the event's canonical form, however it was built): called only when the
   * link's place in the chain is right.
   */
  pushLink(event: Pick<AuditEvent, 'seq' | 'id' | 'prevHash' | 'hash'>, recompute: () => string): boolean {
    if (this.broken) return false;
    const fail = (reason: ChainBreakReason, detail: string) => {
      this.broken = { seq: event.seq, eventId: event.id, reason, detail };
      return false;
    };
    // Checked first: an event the head does not know of was put there without the writer,
    // whether or not it links (anyone can compute a hash).
    if (this.head && event.seq > this.head.seq) {
      return fail('head_mismatch', `seq ${event.seq} lies beyond the chain head, which records seq ${this.head.seq}: it was not appended by the writer`);
    }
    if (event.seq !== this.expectedSeq) {
      return fail('sequence_gap', `expected seq ${this.expectedSeq}, found ${event.seq}`);
    }
    if (event.prevHash !== this.previousHash) {
      return fail('prev_hash_mismatch', `prevHash ${event.prevHash} does not match the hash of seq ${event.seq - 1} (${this.previousHash})`);
    }
    const recomputed = recompute();
    if (recomputed !== event.hash) {
      return fail('hash_mismatch', `stored hash ${event.hash} but the content hashes to ${recomputed}`);
    }
    this.previousHash = event.hash;
    this.previousId = event.id;
    this.expectedSeq += 1;
    this.checked += 1;
    return true;
  }

  /**
   * After a walk to the end: the chain's recorded head must be the last event.
   * Events ending before it means events were removed from the end; the last
   * event ending at the head's seq with another hash means it was rewritten.
   */
  checkHead(head: ChainHead = this.head!): boolean {
    if (this.broken) return false;
    const lastSeq = this.expectedSeq - 1;
    if (head.seq !== lastSeq || head.hash !== this.previousHash) {
      this.broken = {
        seq: Math.max(head.seq, lastSeq),
        eventId: head.seq === lastSeq ? this.previousId : null,
        reason: 'head_mismatch',
        detail: `the chain head records seq ${head.seq} (${head.hash}) but the events end at seq ${lastSeq} (${this.previousHash})`,
      };
      return false;
    }
    return true;
  }

  get isBroken(): boolean {
    return this.broken !== undefined;
  }

  result(): VerificationResult {
    if (this.broken) {
      return { intact: false, chain: this.chain, fromSeq: this.fromSeq, intactUpToSeq: this.expectedSeq - 1, eventsChecked: this.checked, firstBreak: this.broken };
    }
    return { intact: true, chain: this.chain, fromSeq: this.fromSeq, toSeq: this.expectedSeq - 1, eventsChecked: this.checked, headHash: this.previousHash };
  }
}

export interface VerifyRange {
  fromSeq?: number;
  toSeq?: number;
}

/**
 * What is wrong with a requested range, field by field: a range the chain
 * does not reach is a wrong question, not a break in the chain.
 */
export function verifyRangeProblems(range: VerifyRange, head: ChainHead): { field: 'fromSeq' | 'toSeq'; detail: string }[] {
  const problems: { field: 'fromSeq' | 'toSeq'; detail: string }[] = [];
  for (const field of ['fromSeq', 'toSeq'] as const) {
    const value = range[field];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) problems.push({ field, detail: `${field} must be an integer from 1 to ${Number.MAX_SAFE_INTEGER}` });
    else if (value > head.seq) problems.push({ field, detail: `${field} ${value} is beyond the chain head (seq ${head.seq})` });
  }
  const { fromSeq, toSeq } = range;
  if (problems.length === 0 && fromSeq !== undefined && toSeq !== undefined && fromSeq > toSeq) {
    problems.push({ field: 'fromSeq', detail: `fromSeq ${fromSeq} is after toSeq ${toSeq}` });
  }
  return problems;
}

export function describeVerification(result: VerificationResult): string {
  if (result.intact) {
    return result.eventsChecked === 0
      ? `chain "${result.chain}" is empty`
      : `intact up to seq ${result.toSeq}, head hash ${result.headHash} (${result.eventsChecked} events checked from seq ${result.fromSeq})`;
  }
  const { firstBreak } = result;
  return `broken at seq ${firstBreak.seq}${firstBreak.eventId ? ` (event ${firstBreak.eventId})` : ''}: ${firstBreak.reason}: ${firstBreak.detail}; intact up to seq ${result.intactUpToSeq}`;
}
