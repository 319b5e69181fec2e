import canonicalize from 'canonicalize';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AuditEvent, AuditEventShape, AuditReader, AuditTrail, PendingAuditEvent, UnstorableAuditValueError } from '@app/audit';
import { adminUser, bearer, createTestApp, TestApp } from './support';
import { anyEvent, countRows, TEST_ACTOR } from './support/audit-helpers';
import { runCommand } from './support/run-command';

/**
 * Property test of the promise "what the writer hashed, every verifier can
 * recompute": thousands of generated events (text from every Unicode plane,
 * control characters, escapes, numbers at the edges of IEEE-754 and of JSON,
 * deep objects, member names that sort differently by UTF-16 code unit and by
 * code point) go through AuditTrail.record, out through both export formats,
 * and into the independent Python verifier and the service's own. Values the
 * database cannot give back identically must be refused by the writer, never
 * stored changed. The generator is seeded: a failure names its seed, and
 * AUDIT_PROPERTY_SEED=<seed> replays it.
 */
const SEED = Number(process.env.AUDIT_PROPERTY_SEED ?? 20261125);
const EVENTS = 3_000;
const EVENTS_PER_TRANSACTION = 25;
/** About 15 s on an idle two-core machine; the margin is for a machine busy with other work. */
const RECORDING_TIMEOUT_MS = 120_000;
const REFUSALS = 300;
const PYTHON_VERIFIER = path.join(__dirname, 'support', 'verify_audit_export.py');

/** mulberry32: small, fast, and the same sequence on every machine for a seed. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)];
  return { next, int, pick };
}

type Random = ReturnType<typeof prng>;

const EDGE_NUMBERS = [
  0, -0, 1, -1, 0.5, 1e-7, 1e-6, 1.5e-7, 1e20, -1e20, 9.999999999999999e20, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53 - 1), 2 ** 60,
  0.1 + 0.2, 5e-324, -5e-324, 2.2250738585072014e-308, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, Number.EPSILON, 123456789.123,
  1e-300, 4294967295, -2147483648, 100, 1e15, 1e16 + 2,
];

/** Member names whose order differs between UTF-16 code units (JCS) and code points, plus other awkward ones. */
const AWKWARD_NAMES = ['\uFB01', '\u{1F600}', '\uE000', '\u{10000}', '\uFFFF', 'a', 'A', 'é', 'e\u0301', '', ' ', '__proto__', 'constructor', '1', '10', '2', '\u2028', '"', '\\'];

/** Code point ranges to draw text from: every plane, controls (not U+0000), escapes, marks, non-characters. */
const TEXT_SOURCES: readonly (readonly [number, number])[] = [
  [0x20, 0x7e], // ASCII
  [0x22, 0x22], // "
  [0x5c, 0x5c], // \
  [0x01, 0x1f], // C0 controls, tab, LF and CR among them
  [0x7f, 0x9f], // DEL and C1 controls
  [0x2028, 0x2029], // line and paragraph separators
  [0x0300, 0x036f], // combining marks
  [0x00a0, 0xd7ff], // the rest of the BMP below the surrogates
  [0xe000, 0xfffd], // private use, CJK compatibility, specials (U+FEFF among them)
  [0xfffe, 0xffff], // non-characters
  [0x1f300, 0x1faff], // emoji
  [0x10000, 0x1ffff], // plane 1
  [0x20000, 0x2ffff], // plane 2
  [0x30000, 0xdffff], // planes 3–13
  [0xe0000, 0xe01ef], // tags and variation selectors
  [0xf0000, 0x10ffff], // private use planes 15–16
];

function text(r: Random, maxLength = 12): string {
  if (r.next() < 0.05) return r.pick(['', '\\N', '\\.', '=1+1', '"', ',', '\r\n', 'null']);
  let out = '';
  const length = r.int(0, maxLength);
  for (let i = 0; i < length; i++) {
    const [low, high] = r.pick(TEXT_SOURCES);
    out += String.fromCodePoint(r.int(low, high));
  }
  return out;
}

function number(r: Random): number {
  if (r.next() < 0.5) return r.pick(EDGE_NUMBERS);
  // Any double below 1e21 in magnitude, integers and fractions, tiny and huge.
  const value = (r.next() * 2 - 1) * 10 ** r.int(-320, 20);
  return r.next() < 0.3 ? Math.trunc(value) : value;
}

function name(r: Random): string {
  return r.next() < 0.3 ? r.pick(AWKWARD_NAMES) : text(r, 6);
}

/** Sets a member even when its name is __proto__, as JSON.parse would. */
function put(object: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

function value(r: Random, depth: number): unknown {
  const roll = r.next();
  if (depth <= 0 || roll < 0.45) {
    return r.pick([() => null, () => r.next() < 0.5, () => number(r), () => text(r), () => text(r)])();
  }
  if (roll < 0.7) return Array.from({ length: r.int(0, 4) }, () => value(r, depth - 1));
  return object(r, depth - 1, r.int(0, 4));
}

function object(r: Random, depth: number, members: number): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (let i = 0; i < members; i++) put(result, name(r), value(r, depth));
  return result;
}

/** About twenty levels of objects and arrays, one inside the other. */
function deep(r: Random): unknown {
  let current: unknown = value(r, 0);
  for (let level = r.int(15, 22); level > 0; level--) {
    if (r.next() < 0.5) {
      current = [current];
    } else {
      const holder = {};
      put(holder, name(r), current);
      current = holder;
    }
  }
  return current;
}

function eventInput(r: Random, index: number): AuditEventShape {
  const data = object(r, 3, r.int(0, 4));
  if (r.next() < 0.05) put(data, 'deep', deep(r));
  return {
    action: 'use_case.updated',
    target: { type: 'property', id: `${index}:${text(r, 8)}` },
    before: r.next() < 0.5 ? value(r, 3) : undefined,
    after: r.next() < 0.5 ? object(r, 3, r.int(0, 5)) : undefined,
    data,
    reason: r.next() < 0.5 ? text(r, 40) : null,
    actor: { ...TEST_ACTOR, displayName: `${text(r, 10)}`, roles: Array.from({ length: r.int(0, 3) }, () => text(r, 6)) },
  };
}

/** Values PostgreSQL cannot give back identically, each to be put somewhere in a generated payload. */
const UNSTORABLE: readonly ((r: Random) => unknown)[] = [
  (r) => `${text(r, 3)}\u0000${text(r, 3)}`,
  (r) => `${text(r, 3)}${String.fromCharCode(r.int(0xd800, 0xdbff))}`,
  (r) => `${String.fromCharCode(r.int(0xdc00, 0xdfff))}${text(r, 3)}`,
  () => Number.NaN,
  () => Number.POSITIVE_INFINITY,
  () => Number.NEGATIVE_INFINITY,
  (r) => (r.next() < 0.5 ? -1 : 1) * 10 ** r.int(21, 308),
];

function withUnstorable(r: Random, input: AuditEventShape): AuditEventShape {
  const bad = r.pick(UNSTORABLE)(r);
  const where = r.int(0, 4);
  if (where === 0 && typeof bad === 'string') return { ...input, reason: bad };
  if (where === 1 && typeof bad === 'string') return { ...input, target: { type: 'property', id: bad } };
  // A bad member name, or a bad value somewhere down the payload.
  if (where === 2 && typeof bad === 'string') return { ...input, data: { ...input.data, [bad]: 1 } };
  const data = object(r, 0, 1);
  let holder = data;
  for (let level = r.int(0, 5); level > 0; level--) {
    const inner = object(r, 0, 1);
    put(holder, `level ${level}`, inner);
    holder = inner;
  }
  put(holder, 'bad', r.next() < 0.5 ? bad : [text(r), bad]);
  return { ...input, data };
}

/** Streamed exports have media types supertest does not buffer by itself: the body's bytes, exactly as sent. */
function asBytes(res: import('supertest').Response, done: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

/** Refuses bytes that are not UTF-8 instead of replacing them with U+FFFD. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** An event as every verifier must see it: canonical JSON of everything the hash covers, and the hash. */
const canonical = (event: AuditEvent) => canonicalize(event)!;

describe(`audit round trip: generated events survive record → export → independent verification (seed ${SEED})`, () => {
  let t: TestApp;
  let dir: string;
  const recorded = new Map<number, AuditEvent>();
  const inputs = new Map<number, AuditEventShape>();

  beforeAll(async () => {
    t = await createTestApp();
    dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-roundtrip-'));
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it(`records ${EVENTS} generated events, each exactly as the writer hashed it`, async () => {
    const r = prng(SEED);
    const trail = t.app.get(AuditTrail);
    for (let first = 0; first < EVENTS; first += EVENTS_PER_TRANSACTION) {
      const batch = Array.from({ length: Math.min(EVENTS_PER_TRANSACTION, EVENTS - first) }, (_, i) => eventInput(r, first + i));
      const pending = await t.dataSource.transaction(async (manager) => {
        const out: PendingAuditEvent[] = [];
        for (const input of batch) out.push(await trail.record(manager, anyEvent(input)));
        return out;
      });
      const events = await t.app.get(AuditReader).sealed(pending);
      expect(events).toHaveLength(pending.length);
      events.forEach((event, i) => {
        recorded.set(event.seq, event);
        inputs.set(event.seq, batch[i]);
      });
    }
    // The payload recorded is the input through JSON once (-0 becomes 0, as in JCS), nothing else.
    for (const [seq, event] of recorded) {
      const input = inputs.get(seq)!;
      const expected = JSON.parse(JSON.stringify({ ...input.data, before: input.before, after: input.after }));
      expect(canonicalize(event.payload)).toBe(canonicalize(expected));
    }
  }, RECORDING_TIMEOUT_MS);

  it.each(['ndjson', 'csv'] as const)('exports every event as recorded, and the Python verifier finds the %s export intact', async (format) => {
    const auth = bearer((await adminUser(t)).token);
    const res = await t.http().get(`/api/audit/export?format=${format}`).set(auth).buffer(true).parse(asBytes);
    expect(res.status).toBe(200);
    const file = path.join(dir, `all.${format}`);
    await writeFile(file, res.body as Buffer);
    if (format === 'ndjson') {
      // Compared first: names the first event the export changed, where the verifier could only say that its hash fails.
      const lines = strictUtf8.decode(res.body as Buffer).trimEnd().split('\n');
      const exported = new Map<number, AuditEvent>(lines.map((line) => JSON.parse(line)).map((event) => [event.seq, event]));
      const changed = [...recorded.values()].find((event) => canonical(exported.get(event.seq)!) !== canonical(event));
      expect(changed && canonical(exported.get(changed.seq)!)).toBe(changed && canonical(changed));
    }
    const [, headSeq, headHash] = /^seq=(\d+); hash=([0-9a-f]{64})$/.exec(res.headers['x-audit-chain-head'])!;
    const verdict = await runCommand('python3', [PYTHON_VERIFIER, file]);
    expect(verdict).toEqual({ code: 0, output: `intact up to seq ${headSeq}, head hash ${headHash}` });
  });

  it('GET /api/audit/verify finds the chain intact', async () => {
    const auth = bearer((await adminUser(t)).token);
    const res = await t.http().get('/api/audit/verify').set(auth).expect(200);
    expect(res.body).toMatchObject({ intact: true, recording: { recorded: true } });
    expect(res.body.eventsChecked).toBeGreaterThan(EVENTS);
  });

  it(`refuses ${REFUSALS} generated events that hold a value the database cannot give back identically, and stores none of them`, async () => {
    const r = prng(SEED + 1);
    const trail = t.app.get(AuditTrail);
    const before = await countRows(t, 'audit_events');
    for (let i = 0; i < REFUSALS; i++) {
      const input = withUnstorable(r, eventInput(r, i));
      await expect(t.dataSource.transaction((manager) => trail.record(manager, anyEvent(input)))).rejects.toThrow(UnstorableAuditValueError);
    }
    expect(await countRows(t, 'audit_events')).toBe(before);
  });
});
