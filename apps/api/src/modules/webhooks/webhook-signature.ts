import { createHmac, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/** A new endpoint secret: `whsec_` and the base64 of 32 random bytes, as Standard Webhooks spells it. */
export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/**
 * `v1,<base64 HMAC-SHA256>` of `<id>.<timestamp>.<body>`, keyed with the
 * secret's bytes (the base64 after `whsec_`), per Standard Webhooks. With
 * several secrets (a rotation's overlap), the signatures are space-separated
 * and a receiver accepts the message if any one of them verifies.
 */
export function signWebhook(secrets: readonly string[], id: string, timestampSeconds: number, body: string): string {
  return secrets
    .map((secret) => {
      const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
      return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`, 'utf8').digest('base64')}`;
    })
    .join(' ');
}
