import { BrowserSession } from './browser-session.entity';

export type SessionRefusal = 'ended' | 'expired' | 'idle';

/**
 * Why a session can no longer be used at `now` (the database's clock), or
 * undefined while it can. The password-change and deactivation rules need the
 * user and are PrincipalLoader's (forBrowserSession).
 */
export function sessionRefusal(
  session: Pick<BrowserSession, 'endedAt' | 'expiresAt' | 'lastSeenAt'>,
  now: Date,
  idleTimeoutSeconds: number,
): SessionRefusal | undefined {
  if (session.endedAt) return 'ended';
  if (now.getTime() >= session.expiresAt.getTime()) return 'expired';
  if (now.getTime() - session.lastSeenAt.getTime() > idleTimeoutSeconds * 1000) return 'idle';
  return undefined;
}

/**
 * How long a use leaves last_seen_at alone: a minute, or a quarter of the idle
 * timeout when that is shorter. last_seen_at then lags the last use by less than
 * this, so a session used more often than (idle timeout − this) never times out.
 */
export function lastSeenResolutionSeconds(idleTimeoutSeconds: number): number {
  return Math.min(60, Math.max(1, Math.floor(idleTimeoutSeconds / 4)));
}
