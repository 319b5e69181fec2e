import { assertStorableText, toJsonPayload, unstorableTextProblem, UnstorableAuditValueError } from './audit-value';

describe('unstorableTextProblem', () => {
  it.each(['', 'plain', 'e\u0301', '\u{1F600}', '\u0001\u001f\u007f\u2028\u2029', '\uFFFE\uFFFF\u{10FFFF}', '\ud83d\ude00'])('accepts %j', (text) => {
    expect(unstorableTextProblem(text)).toBeUndefined();
  });

  it.each([
    ['U+0000', 'a\u0000b', /U\+0000/],
    ['a lone high surrogate at the end', 'x\ud800', /surrogate/],
    ['a lone low surrogate', '\udc00x', /surrogate/],
    ['two high surrogates', '\ud800\ud800\udc00', /surrogate/],
  ])('refuses %s', (_name, text, problem) => {
    expect(unstorableTextProblem(text)).toMatch(problem);
  });
});

describe('assertStorableText', () => {
  it('names the first bad string or member name by its path', () => {
    expect(() => assertStorableText({ payload: { list: ['ok', { deep: '\ud800' }] } })).toThrow('payload.list.1.deep holds an unpaired');
    expect(() => assertStorableText({ payload: { ['k\u0000']: 1 } })).toThrow('payload.k\\u0000 holds U+0000');
    expect(() => assertStorableText({ reason: null, payload: { a: [1, true, null, 'fine'] } })).not.toThrow();
  });
});

describe('toJsonPayload', () => {
  it('gives the payload as jsonb gives it back', () => {
    const payload = toJsonPayload({ at: new Date('2026-01-01T00:00:00Z'), gone: undefined, zero: -0, small: 5e-324, big: 1e20 });
    expect(payload).toEqual({ at: '2026-01-01T00:00:00.000Z', zero: 0, small: 5e-324, big: 1e20 });
    expect(Object.is(payload.zero, 0)).toBe(true);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e21, -1e21, Number.MAX_VALUE])('refuses the number %p', (value) => {
    expect(() => toJsonPayload({ nested: { value } })).toThrow(UnstorableAuditValueError);
    expect(() => toJsonPayload({ nested: { value } })).toThrow(/member "value"/);
  });
});
