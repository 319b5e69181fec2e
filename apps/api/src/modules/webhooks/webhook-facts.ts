import { createHash } from 'node:crypto';
import type { AuditActor } from '@app/audit';

/** Who parks an endpoint: the delivery worker, not a person. */
export const webhookActor: AuditActor = { id: 'webhook-delivery', kind: 'system', displayName: 'Webhook delivery', roles: [] };

/** scheme://host[:port] of a URL: what the trail says of an endpoint, since a path or query may carry a credential. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid';
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
