import { inputProblems, textProblem } from './text-rule';

describe('textProblem', () => {
  it.each([
    ['plain text', 'hello'],
    ['every plane, surrogate pairs included', 'Ünïcødé 日本 😀 𝔘 \u2028'],
    ['other control characters', 'tab\there\u0001\u007f'],
    ['the replacement character itself', '\ufffd'],
  ])('accepts %s', (_name, text) => {
    expect(textProblem(text)).toBeUndefined();
  });

  it.each([
    ['U+0000', 'a\u0000b', /U\+0000/],
    ['a lone high surrogate', 'a\ud800', /unpaired/],
    ['a lone low surrogate', '\udc00b', /unpaired/],
    ['a reversed pair', '\ude00\ud83d', /unpaired/],
    ['a high surrogate before a non-surrogate', '\ud83dx', /unpaired/],
  ])('refuses %s', (_name, text, detail) => {
    expect(textProblem(text)).toMatch(detail);
  });
});

describe('inputProblems', () => {
  it('finds nothing wrong in ordinary input', () => {
    expect(inputProblems({ title: 'ok', tags: ['a', 'b'], owner: { name: 'x' }, n: 1, flag: true, none: null })).toEqual([]);
  });

  it('names each bad string by its dotted path, in document order', () => {
    const problems = inputProblems({ comment: 'x\ud800', conditions: [{ description: 'ok' }, { description: 'a\u0000' }] });
    expect(problems.map((problem) => problem.field)).toEqual(['comment', 'conditions.1.description']);
    expect(problems[1].detail).toBe('conditions.1.description holds U+0000 (a NUL character), which cannot be stored');
  });

  it('starts paths at the root it is given (a named path parameter)', () => {
    expect(inputProblems('a\u0000', 'itemId')).toEqual([expect.objectContaining({ field: 'itemId' })]);
  });

  it('checks member names, showing a bad one escaped', () => {
    expect(inputProblems({ owner: { 'na\u0000me': 'x', ['k\udc00']: 'y' } }).map((problem) => problem.field)).toEqual(['owner.na\\u0000me', 'owner.k\\udc00']);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses the member name %s anywhere', (key) => {
    const value = JSON.parse(`{"a":[{"${key}":{"polluted":true}}]}`);
    expect(inputProblems(value)).toEqual([{ field: `a.0.${key}`, detail: `the member name a.0.${key} is reserved and never accepted` }]);
  });

  it('accepts those words as values', () => {
    expect(inputProblems({ name: 'constructor', tags: ['__proto__'] })).toEqual([]);
  });

  it('walks any depth without overflowing the stack', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}"\\u0000"${']'.repeat(100_000)}`);
    expect(inputProblems(deep)).toHaveLength(1);
  });

  it('reports at most twenty problems', () => {
    expect(inputProblems(Array.from({ length: 1000 }, () => '\u0000'))).toHaveLength(20);
  });
});
