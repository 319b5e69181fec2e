import { exceedsDepth, firstLongArray } from './json-body';

const nested = (levels: number) => JSON.parse(`${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`);

describe('exceedsDepth', () => {
  it('counts each object or array as one level', () => {
    expect(exceedsDepth(nested(64), 64)).toBe(false);
    expect(exceedsDepth(nested(65), 64)).toBe(true);
    expect(exceedsDepth({ a: [[{}]] }, 4)).toBe(false);
    expect(exceedsDepth({ a: [[{}]] }, 3)).toBe(true);
  });

  it('finds a deep branch beside shallow ones', () => {
    expect(exceedsDepth({ wide: Array.from({ length: 1000 }, () => ({ x: 1 })), deep: nested(70) }, 64)).toBe(true);
  });

  it('handles depths that would overflow a recursive walk', () => {
    expect(exceedsDepth(JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`), 64)).toBe(true);
  });

  it('treats scalars as depth 0', () => {
    expect(exceedsDepth(null, 0)).toBe(false);
    expect(exceedsDepth('x', 0)).toBe(false);
  });
});

describe('firstLongArray', () => {
  it('names the path of the first list over the limit, and nothing when every list fits', () => {
    expect(firstLongArray({ a: { b: Array.from({ length: 11 }, () => 1) } }, 10)).toBe('a.b');
    expect(firstLongArray({ a: [Array.from({ length: 11 }, () => 1)] }, 10)).toBe('a.0');
    expect(firstLongArray({ a: Array.from({ length: 10 }, () => [1, 2]) }, 10)).toBeUndefined();
  });
});
