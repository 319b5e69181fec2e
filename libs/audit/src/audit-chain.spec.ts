import { createHash } from 'node:crypto';
import { AuditEvent } from './audit-event';
import { canonicalEventTemplate, ChainVerifier, computeEventHash, describeVerification, GENESIS_HASH, verifyRangeProblems } from './audit-chain';
import { buildAuditWhere } from './audit-filter';
import { makeHashedChain } from '../../../test/support/hashed-chain';

const makeChain = (length: number) => makeHashedChain(length, (seq) => ({ payload: { before: { title: `v${seq - 1}` }, after: { title: `v${seq}` }, score: 0.5 }, reason: seq % 2 ? 'because' : null }));

function verify(events: AuditEvent[], head?: { seq: number; hash: string }) {
  const verifier = new ChainVerifier('main');
  for (const event of events) if (!verifier.push(event)) break;
  if (head) verifier.checkHead(head);
  return verifier.result();
}

describe('computeEventHash', () => {
  const [event] = makeChain(1);

  it('is SHA-256 hex', () => {
    expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on member order', () => {
    const reordered = Object.fromEntries(Object.entries(event).reverse()) as unknown as AuditEvent;
    const shuffledPayload = { ...reordered, payload: { score: 0.5, after: event.payload.after, before: event.payload.before } };
    expect(computeEventHash(shuffledPayload)).toBe(event.hash);
  });

  it('ignores the stored hash itself but covers every other field, prevHash included', () => {
    expect(computeEventHash({ ...event, hash: 'anything' })).toBe(event.hash);
    expect(computeEventHash({ ...event, prevHash: 'f'.repeat(64) })).not.toBe(event.hash);
    expect(computeEventHash({ ...event, actor: { ...event.actor, roles: [] } })).not.toBe(event.hash);
    expect(computeEventHash({ ...event, context: { ...event.context, sourceIp: '10.0.0.1' } })).not.toBe(event.hash);
  });
});

describe('ChainVerifier', () => {
  it('reports an intact chain with its head', () => {
    const events = makeChain(5);
    const result = verify(events, { seq: 5, hash: events[4].hash });
    expect(result).toEqual({ intact: true, chain: 'main', fromSeq: 1, toSeq: 5, eventsChecked: 5, headHash: events[4].hash });
    expect(describeVerification(result)).toBe(`intact up to seq 5, head hash ${events[4].hash} (5 events checked from seq 1)`);
  });

  it('names an altered event (hash mismatch)', () => {
    const events = makeChain(5);
    events[2] = { ...events[2], payload: { after: { title: 'forged' } } };
    const result = verify(events);
    expect(result).toMatchObject({ intact: false, intactUpToSeq: 2, firstBreak: { seq: 3, reason: 'hash_mismatch', eventId: events[2].id } });
  });

  it('names an event whose link was rewritten (prev-hash mismatch), even with a consistent own hash', () => {
    const events = makeChain(5);
    const relinked = { ...events[3], prevHash: 'a'.repeat(64) };
    events[3] = { ...relinked, hash: computeEventHash(relinked) };
    expect(verify(events)).toMatchObject({ intact: false, firstBreak: { seq: 4, reason: 'prev_hash_mismatch' } });
  });

  it('names the event after a removed one (sequence gap)', () => {
    const events = makeChain(5);
    events.splice(1, 1);
    expect(verify(events)).toMatchObject({ intact: false, intactUpToSeq: 1, firstBreak: { seq: 3, reason: 'sequence_gap' } });
  });

  it('detects events cut from the end against the head', () => {
    const events = makeChain(5);
    const result = verify(events.slice(0, 4), { seq: 5, hash: events[4].hash });
    expect(result).toMatchObject({ intact: false, firstBreak: { seq: 5, reason: 'head_mismatch' } });
  });

  it('names an event beyond the recorded head, even one that links and hashes correctly', () => {
    const events = makeChain(6);
    const head = { seq: 5, hash: events[4].hash };
    const verifier = new ChainVerifier('main', 1, GENESIS_HASH, head);
    events.forEach((event) => verifier.push(event));
    verifier.checkHead(head);
    expect(verifier.result()).toMatchObject({ intact: false, intactUpToSeq: 5, firstBreak: { seq: 6, eventId: events[5].id, reason: 'head_mismatch' } });
  });

  it('names the last event when it ends at the head seq with another hash', () => {
    const events = makeChain(5);
    const result = verify(events, { seq: 5, hash: 'b'.repeat(64) });
    expect(result).toMatchObject({ intact: false, firstBreak: { seq: 5, eventId: events[4].id, reason: 'head_mismatch' } });
  });

  it('verifies a range from its predecessor hash', () => {
    const events = makeChain(6);
    const verifier = new ChainVerifier('main', 4, events[2].hash);
    events.slice(3).forEach((event) => verifier.push(event));
    expect(verifier.result()).toMatchObject({ intact: true, fromSeq: 4, toSeq: 6, eventsChecked: 3 });
  });
});

describe('verifyRangeProblems', () => {
  const head = { seq: 10, hash: 'a'.repeat(64) };

  it('accepts any range within the head', () => {
    expect(verifyRangeProblems({}, head)).toEqual([]);
    expect(verifyRangeProblems({ fromSeq: 10 }, head)).toEqual([]);
    expect(verifyRangeProblems({ fromSeq: 3, toSeq: 3 }, head)).toEqual([]);
  });

  it.each([
    [{ fromSeq: 11 }, 'fromSeq', /beyond the chain head \(seq 10\)/],
    [{ toSeq: 11 }, 'toSeq', /beyond the chain head/],
    [{ fromSeq: 5, toSeq: 4 }, 'fromSeq', /after toSeq/],
    [{ fromSeq: 1e20 }, 'fromSeq', /integer from 1 to 9007199254740991/],
    [{ toSeq: 0 }, 'toSeq', /integer from 1/],
    [{ toSeq: 2.5 }, 'toSeq', /integer from 1/],
  ])('refuses %j, naming %s', (range, field, detail) => {
    const [problem, ...others] = verifyRangeProblems(range, head);
    expect(others).toEqual([]);
    expect(problem).toEqual({ field, detail: expect.stringMatching(detail) });
  });
});

describe('buildAuditWhere', () => {
  it('names only the chain without filters', () => {
    expect(buildAuditWhere({})).toEqual({ where: 'WHERE chain = $1', params: ['main'] });
  });

  it('parameterises every value', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    expect(buildAuditWhere({ from, actorId: "x' OR 1=1 --", afterSeq: 10 })).toEqual({
      where: 'WHERE chain = $1 AND occurred_at >= $2 AND actor_id = $3 AND seq > $4',
      params: ['main', from, "x' OR 1=1 --", 10],
    });
  });

  it('bounds seq at both ends, inclusive', () => {
    expect(buildAuditWhere({ fromSeq: 5, toSeq: 9 })).toEqual({ where: 'WHERE chain = $1 AND seq >= $2 AND seq <= $3', params: ['main', 5, 9] });
  });
});

describe('canonicalEventTemplate', () => {
  it('reassembles into exactly the canonical JSON that computeEventHash hashes, whatever the payload holds', () => {
    const tricky = {
      chain: 'main',
      id: '00000000-0000-4000-8000-000000000001',
      actor: { id: 'u', kind: 'user' as const, displayName: '"seq":0 and "prevHash":"x"', roles: ['a'] },
      action: 'use_case.updated',
      target: { type: 'use_case', id: '"seq":0' },
      useCaseId: null,
      payload: { seq: 0, prevHash: 'P'.repeat(64), occurredAt: 'T'.repeat(24), nested: { seq: 0 }, text: 'é ✓ \u2028 "q"' },
      reason: '"seq":0,',
      context: { requestId: null, sourceIp: null, userAgent: null },
    };
    const parts = canonicalEventTemplate(tricky);
    const full = { ...tricky, occurredAt: '2026-11-25T12:00:00.123Z', prevHash: 'a'.repeat(64), seq: 1234 };
    const assembled = parts[0] + full.occurredAt + parts[1] + full.prevHash + parts[2] + full.seq + parts[3];
    expect(createHash('sha256').update(assembled, 'utf8').digest('hex')).toBe(computeEventHash(full));
  });
});
