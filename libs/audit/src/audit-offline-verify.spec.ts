import { duplicateMemberName } from './audit-offline-verify';

describe('duplicateMemberName', () => {
  it.each([
    ['{"a":1,"b":2}', undefined],
    ['{"a":{"a":1},"b":[{"a":1},{"a":2}]}', undefined],
    ['{"a":"x\\\\","b":"\\"a\\"","c":"a"}', undefined],
    ['{}', undefined],
    ['{"a":1,"a":2}', 'a'],
    ['{"p":{"x":[1,{"y":1,"y":2}]}}', 'y'],
    ['{"p":{},"q":{"k":1},"q":2}', 'q'],
    ['{"\\u0061":1,"a":2}', 'a'],
  ])('%s', (json, duplicate) => {
    expect(() => JSON.parse(json)).not.toThrow();
    expect(duplicateMemberName(json)).toBe(duplicate);
  });
});
