import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { DomainError } from '@app/errors';

/** One counting window of one address or account. */
interface Window {
  count: number;
  endsAt: number;
}

/** A sign-in attempt holding its place in the windows it counts in. */
export interface HeldAttempt {
  windows: Window[];
}

type Scope = 'address' | 'account';

/**
 * Failed sign-ins, counted per client address and per account (the email
 * tried) in fixed windows, in this process's memory. Only failures count: an
 * attempt takes its place before its password is checked, so parallel guesses
 * cannot overrun a limit, and gives it back if it succeeds (or fails for a
 * reason other than the credentials). An attempt over a limit is not checked
 * at all, so it cannot confirm a password.
 */
@Injectable()
export class SignInLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly limits: Record<Scope, number>;
  private readonly windowMs: number;
  private lastSweep = 0;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const { perAddress, perAccount, windowSeconds } = config.auth.loginLimit;
    this.limits = { address: perAddress, account: perAccount };
    this.windowMs = windowSeconds * 1000;
  }

  /** Takes a place for an attempt, or refuses it with 429 while either limit is reached. */
  take(address: string, email: string, now = Date.now()): HeldAttempt {
    this.sweepExpired(now);
    const scopes: [Scope, Window][] = [
      ['address', this.windowOf(`address:${address}`, now)],
      ['account', this.windowOf(`account:${email.trim().toLowerCase()}`, now)],
    ];
    const full = scopes.filter(([scope, window]) => window.count >= this.limits[scope]);
    if (full.length) {
      const waitMs = Math.max(...full.map(([, window]) => window.endsAt)) - now;
      throw new TooManySignInAttempts(full.map(([scope]) => scope), Math.max(1, Math.ceil(waitMs / 1000)));
    }
    for (const [, window] of scopes) window.count++;
    return { windows: scopes.map(([, window]) => window) };
  }

  /** The attempt did not fail on its credentials: it does not count. */
  giveBack(attempt: HeldAttempt) {
    for (const window of attempt.windows) window.count = Math.max(0, window.count - 1);
  }

  private windowOf(key: string, now: number): Window {
    const current = this.windows.get(key);
    if (current && current.endsAt > now) return current;
    const fresh = { count: 0, endsAt: now + this.windowMs };
    this.windows.set(key, fresh);
    return fresh;
  }

  /** Every so often, so that addresses and emails tried once do not pile up. */
  private sweepExpired(now: number) {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}

export class TooManySignInAttempts extends DomainError {
  readonly code = 'too-many-sign-in-attempts';
  readonly status = 429;
  readonly title = 'Too many failed sign-ins';

  constructor(
    scopes: Scope[],
    readonly retryAfterSeconds: number,
  ) {
    super(
      `Too many failed sign-ins ${scopes.map((scope) => (scope === 'address' ? 'from this address' : 'for this account')).join(' and ')}; ` +
        `try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}.`,
    );
  }
}
