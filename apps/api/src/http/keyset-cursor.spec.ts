import { decodeKeysetCursor, encodeKeysetCursor } from './keyset-cursor';

const encode = (text: string) => Buffer.from(text).toString('base64url');
const ID = '0b9d6c1e-2f6a-4c1b-9a51-3f1d2c4b5a69';

describe('decodeKeysetCursor', () => {
  it.each(['2025-11-25 10:00:00.123456+00', '2025-11-25 10:00:00+05:30', '2024-02-29 23:59:59.5-09'])('reads the position of %s', (createdAt) => {
    expect(decodeKeysetCursor(encode(`${createdAt}|${ID}`))).toEqual({ at: createdAt, id: ID });
  });

  it.each([
    ['no separator', '2025-11-25 10:00:00+00'],
    ['two separators', `2025-11-25 10:00:00+00|${ID}|x`],
    ['words', 'x|y'],
    ['a bare number PostgreSQL cannot read', `1|${ID}`],
    ['an id that is not a uuid', '2025-11-25 10:00:00+00|y'],
    ['month 13', `2024-13-01 00:00:00+00|${ID}`],
    ['30 February', `2023-02-30 00:00:00+00|${ID}`],
    ['hour 24', `2023-02-01 24:00:00+00|${ID}`],
    ['a five-digit year', `99999-01-01 00:00:00+00|${ID}`],
    ['an offset of 99 hours', `2023-02-01 00:00:00+99|${ID}`],
    ['an ISO T separator', `2023-02-01T00:00:00+00|${ID}`],
  ])('refuses %s', (_name, text) => {
    expect(decodeKeysetCursor(encode(text))).toBeUndefined();
  });

  it('reads back what it wrote', () => {
    expect(decodeKeysetCursor(encodeKeysetCursor('2025-11-25 10:00:00.000001+00', ID))).toEqual({ at: '2025-11-25 10:00:00.000001+00', id: ID });
  });

  it('refuses bytes that are not base64url text', () => {
    expect(decodeKeysetCursor('%%%')).toBeUndefined();
  });
});
