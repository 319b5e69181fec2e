import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { CsrfTokenInvalidRefusal, CsrfTokenMissingRefusal } from './browser-sessions.errors';

/** The header a cookie-authenticated write carries its CSRF token in. */
export const CSRF_HEADER = 'X-CSRF-Token';

/** What the CSRF token signs: fixed, so the token is a pure function of the session token. */
const CSRF_MESSAGE = 'gatehouse-csrf';

/** 32 random bytes, base64url: 43 characters. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface IssuedSessionToken {
  /** Goes into the cookie, and nowhere else. */
  token: string;
  /** SHA-256 of the token: what is stored. A 256-bit random token needs no slow hash. */
  tokenHash: Buffer;
}

export function issueSessionToken(): IssuedSessionToken {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashSessionToken(token) };
}

/** Is this a token Gatehouse could have issued? Anything else is refused without a query. */
export function isSessionToken(value: string | undefined): value is string {
  return value !== undefined && TOKEN_PATTERN.test(value);
}

export function hashSessionToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * The session's CSRF token: base64url(HMAC-SHA256(key = the session token as the
 * cookie carries it, message = "gatehouse-csrf")). Signed double submit: the web app
 * is given it in the session's JSON and sends it back in a header; a page on another
 * site can neither read the cookie nor this answer, so it cannot make the header.
 * Stateless: derived from the cookie on every request, never stored.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', Buffer.from(sessionToken, 'utf8')).update(CSRF_MESSAGE).digest('base64url');
}

/** Refuses (403) a write whose X-CSRF-Token header is missing or is not its session's token. */
export function checkCsrfToken(sessionToken: string, presented: string | undefined): void {
  if (presented === undefined || presented === '') throw new CsrfTokenMissingRefusal();
  const expected = Buffer.from(csrfTokenFor(sessionToken), 'utf8');
  const given = Buffer.from(presented, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new CsrfTokenInvalidRefusal();
}
