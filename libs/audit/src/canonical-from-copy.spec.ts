import canonicalize from 'canonicalize';
import { AuditEvent } from './audit-event';
import { canonicalFromCopyRow, canonicalValue } from './canonical-from-copy';

/** The event as PostgreSQL's text COPY writes EXPORT_COLUMNS_SQL: tabs between fields, \N for NULL, backslash escapes. */
function copyRow(event: AuditEvent): string[] {
  const escape = (value: string) => value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  const field = (value: string | null) => (value === null ? '\\N' : escape(value));
  return [
    field(event.chain), String(event.seq), field(event.id), field(event.occurredAt), field(event.actor.id), field(event.actor.kind),
    field(event.actor.displayName), field(JSON.stringify(event.actor.roles)), field(event.action), field(event.target.type), field(event.target.id),
    field(event.useCaseId), field(JSON.stringify(event.payload)), field(event.reason), field(event.context.requestId), field(event.context.sourceIp),
    field(event.context.userAgent), field(event.prevHash), field(event.hash),
  ];
}

const event = (overrides: Partial<AuditEvent> = {}): AuditEvent => ({
  chain: 'main',
  seq: 42,
  id: '3f1c2a9e-1234-4a1b-9c2d-7e8f9a0b1c2d',
  occurredAt: '2026-12-06T03:12:32.123Z',
  actor: { id: 'u1', kind: 'user', displayName: 'Dana', roles: ['admin', 'legal'] },
  action: 'use_case.updated',
  target: { type: 'use_case', id: 'x' },
  useCaseId: null,
  payload: { b: 1, a: [1, 2.5, 1e21, { z: null, y: 'é' }] },
  reason: null,
  context: { requestId: null, sourceIp: '127.0.0.1', userAgent: 'curl/8' },
  prevHash: '0'.repeat(64),
  hash: 'f'.repeat(64),
  ...overrides,
});

describe('the canonical form built from a COPY row', () => {
  it.each([
    ['a plain event', event()],
    ['nulls and an empty role list', event({ actor: { id: 'system:x', kind: 'system', displayName: 'System', roles: [] }, useCaseId: null, reason: null })],
    ['tabs, newlines, backslashes and quotes in text', event({ reason: 'a\tb\nc\\d"e\r', actor: { id: 'u', kind: 'user', displayName: 'Tab\there', roles: ['x\\y'] } })],
    ['astral characters, control characters and U+2028', event({ reason: '\u{1F600} \u0001 \u2028 \u007f', payload: { 'k\u0007': '\u{10FFFF}', n: -0.000001 } })],
    ['a payload with nested member names that sort by UTF-16 units', event({ payload: { '\u{1F600}': 1, '\uFB33': 2, a: { c: 3, b: [] } } })],
  ])('equals the canonical JSON of the event without its hash: %s', (_name, e) => {
    const { hash: _hash, ...content } = e;
    expect(canonicalFromCopyRow(copyRow(e))).toBe(canonicalize(content));
  });
});

describe('the canonical form of a parsed JSON value', () => {
  it('equals the canonicalize package on generated values: nesting, numbers, escapes, astral and lone-surrogate-free text', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pieces = ['a', 'é', '\u{1F600}', '\u0000', '\u001f', '"', '\\', '\u2028', '\uFB33', 'z', ' ', '\u007f'];
    const word = () => Array.from({ length: Math.floor(random() * 5) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
    const value = (depth: number): unknown => {
      const pick = Math.floor(random() * (depth > 3 ? 4 : 6));
      if (pick === 0) return null;
      if (pick === 1) return random() < 0.5;
      if (pick === 2) return [0, -0, 1e21, 1e-7, 123.456, -5, 2 ** 53, 0.1 + 0.2][Math.floor(random() * 8)];
      if (pick === 3) return word();
      if (pick === 4) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 5) }, () => [word(), value(depth + 1)]));
    };
    for (let i = 0; i < 2000; i++) {
      const parsed = JSON.parse(JSON.stringify(value(0)));
      expect(canonicalValue(parsed)).toBe(canonicalize(parsed));
    }
  });
});
