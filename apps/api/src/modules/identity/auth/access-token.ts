export const ACCESS_TOKEN_ISSUER = 'gatehouse';
export const ACCESS_TOKEN_AUDIENCE = 'gatehouse-api';

/**
 * `iat` has whole seconds, too coarse to tell a token issued just before a
 * password change from one issued just after it in the same second; this
 * private claim carries the same moment in milliseconds.
 */
const ISSUED_AT_MS = 'iat_ms';

/** What Gatehouse relies on in an access token whose signature, issuer, audience and expiry were checked. */
export interface AccessTokenClaims {
  userId: string;
  issuedAtMs: number;
}

/**
 * The claims signed into a new token (the signer adds iss, aud and exp from
 * iat). `issuedAt` is when the credentials were checked, so a sign-in that
 * read the old password just before a change yields a token the change ends.
 */
export function accessTokenPayload(userId: string, issuedAt: Date): Record<string, unknown> {
  const ms = issuedAt.getTime();
  return { sub: userId, iat: Math.floor(ms / 1000), [ISSUED_AT_MS]: ms };
}

/**
 * The claims of a verified payload, or undefined when one Gatehouse relies on
 * is missing or malformed: a token without `exp` would never expire, one
 * without its issue time could not be ended by a password change. (Tokens
 * issued before `iat_ms` existed are refused too: their holders sign in again.)
 */
export function readAccessTokenClaims(payload: Record<string, unknown>): AccessTokenClaims | undefined {
  const { sub, iat, exp, [ISSUED_AT_MS]: issuedAtMs } = payload;
  if (!isUuid(sub) || !isWholeNumber(iat) || !isWholeNumber(exp) || !isWholeNumber(issuedAtMs)) return undefined;
  if (Math.floor(issuedAtMs / 1000) !== iat) return undefined;
  return { userId: sub, issuedAtMs };
}

/**
 * A password change ends every token issued before it. When both fall in the
 * same millisecond their order is unknown (times are compared to the
 * millisecond), so the token is taken to be the older and ended too.
 */
export function endedByPasswordChange(claims: AccessTokenClaims, passwordChangedAt: Date | null): boolean {
  return passwordChangedAt !== null && claims.issuedAtMs <= passwordChangedAt.getTime();
}

// Checked here so that a malformed subject is a refused token, not a failed query.
function isUuid(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

function isWholeNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}
