import { Prng } from './prng';
import { Entries, Raw } from './json-text';

/**
 * The catalogues of values a client may send where the API expects something
 * else. Each is drawn by the case generator; path and query values are URL
 * text exactly as written on the request line (already percent-encoded).
 */

const enc = encodeURIComponent;
const b64 = (text: string) => Buffer.from(text).toString('base64');
const b64url = (text: string) => Buffer.from(text).toString('base64url');

/** In place of any path parameter. `valid` is an id of the right kind, for variants of it. */
export function hostilePathValue(prng: Prng, valid: string | undefined): string {
  const uuid = prng.uuid();
  const base = valid ?? uuid;
  return prng.pick([
    uuid,
    uuid.toUpperCase(),
    base.toUpperCase(),
    `{${base}}`,
    base.replace(/-/g, ''),
    `${base}%20`,
    `${base}%00`,
    `${base.slice(0, -1)}g`,
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    'abc',
    '1',
    '0',
    '-1',
    '-0',
    '1.5',
    '2147483647',
    '2147483648',
    '-2147483649',
    '99999999999',
    '9007199254740993',
    '9223372036854775808',
    '1e20',
    '1e308',
    'NaN',
    'Infinity',
    '0x10',
    'constructor',
    '__proto__',
    'prototype',
    'toString',
    'hasOwnProperty',
    'valueOf',
    '%00',
    'a%00b',
    '%ff',
    '%ED%A0%80',
    '%C0%80',
    '%',
    '%zz',
    '%E6%97%A5%E6%9C%AC',
    '%F0%9F%98%80',
    enc("' OR '1'='1"),
    enc('1; DROP TABLE users;--'),
    enc('$1'),
    '%2e%2e',
    '%2F',
    'x'.repeat(prng.pick([300, 5000])),
    enc('\u202e\u0301'),
  ]);
}

const ISO_DATES = ['0001-01-01', '0000-01-01', '+300000-01-01T00:00:00Z', '300000-01-01', '-004713-01-01', '2024-13-45', '2024-02-30', '1', 'yesterday', '1e20', '2020-01-01T00:00:00Z', '2100-01-01', '9999-12-31T23:59:59.999Z', '294277-01-01', '1970-01-01T00:00:00+99:99'];

/** Values for a query parameter, picked with its name in mind (dates, cursors, sequence numbers, limits). */
export function hostileQueryValue(prng: Prng, name: string): string {
  const general = [
    '',
    'x',
    '-1',
    '0',
    '1.5',
    '2147483648',
    '99999999999',
    '1e20',
    '9223372036854775808',
    'NaN',
    'Infinity',
    'true',
    'null',
    '%00',
    'a%00b',
    '%ff',
    '%',
    '%ED%A0%80',
    '%F0%9F%98%80',
    enc("' OR 1=1--"),
    enc('%_\\'),
    'constructor',
    '__proto__',
    'x'.repeat(prng.pick([1000, 20_000])),
  ];
  const special: string[] = [];
  if (/from|to$|date/i.test(name) && !/Seq/.test(name)) special.push(...ISO_DATES.map(enc));
  if (/cursor/i.test(name)) {
    special.push(
      enc(b64(prng.bytes(prng.int(1, 48)).toString('latin1'))),
      enc(b64('x|y')),
      b64url('x|y'),
      b64url('1|y'),
      b64url('2024-01-01 00:00:00+00|y'),
      b64url(`99999-01-01 00:00:00+00|${prng.uuid()}`),
      b64url(`0001-01-01 00:00:00+00|${prng.uuid()}`),
      b64url(`2024-01-01T00:00:00Z|${prng.uuid()}|extra`),
      b64url('\u0000|\u0000'),
      b64url('{"__proto__":{"x":1}}'),
      '%%%',
      '='.repeat(40),
      enc(b64(prng.hex(10))),
    );
  }
  if (/Seq|limit|revision/.test(name)) special.push('1e20', '9223372036854775807', '9223372036854775808', '-9223372036854775809', '18446744073709551616', '1e308', '-0', '0x1f', '5e-1', '1%2C2');
  return prng.chance(0.7) && special.length ? prng.pick(special) : prng.pick(general);
}

/**
 * A string field's replacement, by family (each as likely as the others, so
 * a few thousand requests try every family on most fields): U+0000, lone
 * surrogates, controls and bidi marks, well-formed unicode, SQL and markup,
 * sizes, emptiness, prototype names.
 */
export function hostileString(prng: Prng): string {
  const families: (() => string)[] = [
    () => prng.pick(['a\u0000b', '\u0000', 'trailing\u0000', '\u0000\u0000\u0000']),
    () => prng.pick(['x\ud800', '\udc00y', '\udfff\ud800', '\ud800', 'ok \ud83d']),
    () => prng.pick(['\u0001\u0002\u0007\u001b[31m\u007f', '\u202e\u200b\ufeff\ufffe\uffff', '\u2028\u2029', '\t\n\r', '\u0085\u00a0']),
    () => prng.pick(['😀 𝔘 𐍈', '\ud83d\ude00', 'e\u0301\u0301\u0301\u0301', '日本語テキスト', 'Ünïcødé']),
    () => prng.pick(["' OR '1'='1", "'; DROP TABLE use_cases; --", '\\', '%_%', '$1', "E'\\x00'", '{"$ne":null}', '<script>alert(1)</script>', '../../../../etc/passwd']),
    () => prng.pick(['a'.repeat(prng.pick([256, 1001, 10_001, 70_000])), '😀'.repeat(prng.pick([1000, 40_000]))]),
    () => prng.pick(['', ' ', '   ']),
    () => prng.pick(['constructor', '__proto__', 'prototype', 'toString', 'hasOwnProperty']),
  ];
  return prng.pick(families)();
}

/** Numbers (and number-looking fragments) at the edges, as JSON text. */
export function hostileNumber(prng: Prng): Raw {
  return new Raw(
    prng.pick([
      '0',
      '-0',
      '-1',
      '0.5',
      '2147483647',
      '2147483648',
      '-2147483649',
      '4294967296',
      '9007199254740991',
      '9007199254740993',
      '9223372036854775808',
      '1e20',
      '1e308',
      '-1e308',
      '1e400',
      '5e-324',
      '1E2',
      '100000000000000000000000000000000000000000',
      '0.0000000000000000000000000001',
    ]),
  );
}

/** Any JSON value of another type than the one expected. */
export function wrongType(prng: Prng, expected: string | undefined): unknown {
  const choices: [string, () => unknown][] = [
    ['string', () => prng.pick(['1', 'true', 'null', '[]', 'yes'])],
    ['number', () => prng.pick([1, 0, -1, 3.14])],
    ['boolean', () => prng.pick([true, false])],
    ['array', () => prng.pick([[], ['a'], [1, 2], [null], [{}]])],
    ['object', () => prng.pick<unknown>([{}, { a: 1 }, { length: 1 }, { constructor: { prototype: {} } }])],
  ];
  const others = choices.filter(([type]) => type !== expected && !(expected === 'integer' && type === 'number'));
  return prng.pick(others)[1]();
}

/** A value nested `depth` levels deep, as JSON text (the parser sees it; the serializer never recurses into it). */
export function deepNesting(prng: Prng, depth = prng.pick([64, 65, 200, 3000, 20_000])): Raw {
  switch (prng.int(0, 2)) {
    case 0:
      return new Raw(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    case 1:
      return new Raw(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
    default:
      return new Raw(`${'[{"a":'.repeat(Math.ceil(depth / 2))}null${'}]'.repeat(Math.ceil(depth / 2))}`);
  }
}

/** Values that are objects reaching for the prototype chain. */
export function prototypeValue(prng: Prng): unknown {
  return prng.pick<unknown>([
    { constructor: { prototype: {} } },
    { constructor: { prototype: {} } },
    { constructor: { prototype: { isAdmin: true } } },
    [{ constructor: { prototype: {} } }],
    new Entries([['__proto__', { polluted: true }]]),
    new Entries([['__proto__', { constructor: { prototype: { polluted: true } } }]]),
    { toString: 'x', valueOf: 1, hasOwnProperty: null },
    'constructor',
    '__proto__',
    'prototype',
  ]);
}

export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__'];
