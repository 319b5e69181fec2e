import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `ghk_<prefix>_<secret>`. The prefix is stored in clear to
 * find the key; only a SHA-256 of the secret is stored. A 256-bit random secret
 * needs no slow hash: there is nothing to guess from the digest.
 */
export const API_KEY_MARKER = 'ghk_';

export interface IssuedApiKey {
  token: string;
  prefix: string;
  secretHash: string;
}

export function issueApiKeyToken(): IssuedApiKey {
  const prefix = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x');
  const secret = randomBytes(32).toString('base64url');
  return { token: `${API_KEY_MARKER}${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

export function parseApiKeyToken(token: string): { prefix: string; secret: string } | undefined {
  const match = /^ghk_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/.exec(token);
  return match ? { prefix: match[1], secret: match[2] } : undefined;
}

export function secretMatches(secret: string, storedHash: string): boolean {
  return timingSafeEqual(Buffer.from(hashSecret(secret), 'hex'), Buffer.from(storedHash, 'hex'));
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
