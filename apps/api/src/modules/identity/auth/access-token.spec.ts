import { accessTokenPayload, endedByPasswordChange, readAccessTokenClaims } from './access-token';

const USER = '0b6f2f8e-8d5c-4c1e-9a43-2f8f3f1b9c11';
const signed = (payload: Record<string, unknown>): Record<string, unknown> => ({ ...payload, exp: (payload.iat as number) + 900 });

describe('access token claims', () => {
  it('carry the issue time to the millisecond beside iat in seconds', () => {
    const payload = accessTokenPayload(USER, new Date('2025-11-26T10:00:00.789Z'));
    expect(payload).toEqual({ sub: USER, iat: 1764151200, iat_ms: 1764151200789 });
    expect(readAccessTokenClaims(signed(payload))).toEqual({ userId: USER, issuedAtMs: 1764151200789 });
  });

  it.each(['sub', 'iat', 'exp', 'iat_ms'])('are refused without %s', (claim) => {
    const { [claim]: _left, ...rest } = signed(accessTokenPayload(USER, new Date()));
    expect(readAccessTokenClaims(rest)).toBeUndefined();
  });

  it('are refused when iat and iat_ms disagree, or sub is not a user id', () => {
    const payload = signed(accessTokenPayload(USER, new Date()));
    expect(readAccessTokenClaims({ ...payload, iat_ms: (payload.iat_ms as number) + 1000 })).toBeUndefined();
    expect(readAccessTokenClaims({ ...payload, iat_ms: 1.5 })).toBeUndefined();
    expect(readAccessTokenClaims({ ...payload, sub: 'admin' })).toBeUndefined();
  });
});

describe('a password change', () => {
  const issuedAt = (iso: string) => ({ userId: USER, issuedAtMs: Date.parse(iso) });

  it('ends tokens issued before it, in the same second or the same millisecond', () => {
    const change = new Date('2025-11-26T10:00:00.500Z');
    expect(endedByPasswordChange(issuedAt('2025-11-26T09:59:59.999Z'), change)).toBe(true);
    expect(endedByPasswordChange(issuedAt('2025-11-26T10:00:00.100Z'), change)).toBe(true);
    expect(endedByPasswordChange(issuedAt('2025-11-26T10:00:00.500Z'), change)).toBe(true);
  });

  it('keeps tokens issued after it, even in the same second', () => {
    expect(endedByPasswordChange(issuedAt('2025-11-26T10:00:00.501Z'), new Date('2025-11-26T10:00:00.500Z'))).toBe(false);
    expect(endedByPasswordChange(issuedAt('2025-11-26T10:00:00.000Z'), null)).toBe(false);
  });
});
