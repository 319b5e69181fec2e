import { createHash, createHmac } from 'node:crypto';
import { checkCsrfToken, csrfTokenFor, hashSessionToken, isSessionToken, issueSessionToken } from './session-token';

describe('session tokens', () => {
  it('are 32 random bytes in base64url, kept only as their SHA-256', () => {
    const { token, tokenHash } = issueSessionToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(tokenHash.equals(createHash('sha256').update(token).digest())).toBe(true);
    expect(hashSessionToken(token).equals(tokenHash)).toBe(true);
    expect(issueSessionToken().token).not.toBe(token);
  });

  it('are recognised only in the shape Gatehouse issues them', () => {
    expect(isSessionToken(issueSessionToken().token)).toBe(true);
    expect(isSessionToken(undefined)).toBe(false);
    expect(isSessionToken('')).toBe(false);
    expect(isSessionToken('a'.repeat(44))).toBe(false);
    expect(isSessionToken(`${'a'.repeat(42)}=`)).toBe(false);
  });
});

describe('CSRF tokens', () => {
  const { token } = issueSessionToken();

  it('are the HMAC-SHA256 of "gatehouse-csrf" keyed with the session token, in base64url', () => {
    expect(csrfTokenFor(token)).toBe(createHmac('sha256', token).update('gatehouse-csrf').digest('base64url'));
    expect(csrfTokenFor(token)).not.toBe(csrfTokenFor(issueSessionToken().token));
  });

  it("are accepted only when they are the session's own", () => {
    expect(() => checkCsrfToken(token, csrfTokenFor(token))).not.toThrow();
    const refusal = (presented: string | undefined) => {
      try {
        checkCsrfToken(token, presented);
      } catch (error) {
        return { status: (error as { status: number }).status, code: (error as { code: string }).code };
      }
      return undefined;
    };
    expect(refusal(undefined)).toEqual({ status: 403, code: 'csrf-token-missing' });
    expect(refusal('')).toEqual({ status: 403, code: 'csrf-token-missing' });
    expect(refusal(csrfTokenFor(issueSessionToken().token))).toEqual({ status: 403, code: 'csrf-token-invalid' });
    expect(refusal(`${csrfTokenFor(token)}x`)).toEqual({ status: 403, code: 'csrf-token-invalid' });
    expect(refusal(token)).toEqual({ status: 403, code: 'csrf-token-invalid' });
  });
});
