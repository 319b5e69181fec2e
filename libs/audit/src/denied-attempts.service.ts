import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError, ForbiddenError, HiddenRefusal, RuleRefusal } from '@app/errors';
import { RequestContext } from '@app/request-context';
import { AuditActor } from './audit-event';
import { AuditSealer } from './audit-sealer.service';
import { AuditTrail } from './audit-trail.service';

export interface GovernedAttempt {
  /** Defaults to the actor of the current request, like every audit event. */
  actor?: AuditActor;
  /** What was attempted, e.g. `sign_off.record` or `PUT /api/users/:id/roles/:role`. */
  attempted: string;
  target: { type: string; id: string };
  useCaseId?: string | null;
}

/** One recorded denial per actor, attempt and refusal code in this window; the rest are counted into the next one. */
export const DENIAL_WINDOW_MS = 60_000;
/** Past this many distinct keys in one window, denials are only logged and counted (a flood of new ids cannot grow memory or the trail). */
const MAX_TRACKED_KEYS = 10_000;

/**
 * Refusals of authority that the trail keeps: a rule or a permission said
 * "not you" (403), or a write to a use case the caller may not even see (a
 * 404 that hides it). Conflicts with the state (a closed review, a stale
 * revision: 409) and invalid input (422) are not denials of authority and
 * are not recorded.
 */
export function isRecordedRefusal(error: unknown): error is DomainError {
  return (error instanceof RuleRefusal && error.status === 403) || error instanceof ForbiddenError || error instanceof HiddenRefusal;
}

/**
 * Records refused attempts at governed actions as `access.denied` events, in
 * a transaction of their own (the refused change itself rolled back).
 *
 * A flood of refusals must not drown the trail: per actor, attempt and
 * refusal code, the first refusal of each minute is recorded and later ones
 * are counted into the next recorded event (`suppressedBefore`). Every refusal
 * is still logged. The window is per process: N instances record at most N
 * events per minute and key.
 */
@Injectable()
export class DeniedAttempts {
  private readonly logger = new Logger('DeniedAttempts');
  private readonly windows = new Map<string, { openedAt: number; suppressed: number }>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly trail: AuditTrail,
    private readonly context: RequestContext,
    private readonly sealer: AuditSealer,
  ) {}

  /** Runs `work`; a governance refusal it throws is recorded, then thrown on. */
  async watch<T>(attempt: GovernedAttempt, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isRecordedRefusal(error)) await this.record(attempt, error);
      throw error;
    }
  }

  async record(attempt: GovernedAttempt, refusal: DomainError): Promise<void> {
    const code = refusal instanceof HiddenRefusal ? refusal.refusalCode : refusal.code;
    const actor = attempt.actor ?? this.context.actor;
    if (!actor) {
      // The refusal stands either way; an attempt without an actor is a programming error, logged rather than masking the 4xx.
      this.logger.error({ attempted: attempt.attempted, code }, 'a refused attempt has no actor to record');
      return;
    }
    this.logger.warn({ actor: actor.id, attempted: attempt.attempted, target: attempt.target, code }, 'governed action refused');
    const suppressedBefore = this.admit(`${actor.id}|${attempt.attempted}|${code}`);
    if (suppressedBefore === undefined) return;
    try {
      const denial = await this.dataSource.transaction((tx) =>
        this.trail.record(tx, {
          action: 'access.denied',
          target: attempt.target,
          useCaseId: attempt.useCaseId ?? null,
          data: { attempted: attempt.attempted, code, status: refusal.status, suppressedBefore },
          reason: refusal.detail,
          actor,
        }),
      );
      // A refusal may come from a guard, before the interceptor that waits for a request's events: it waits here.
      await this.sealer.sealThrough(denial.xid);
    } catch (error) {
      // The refusal stands whatever happens here; the caller gets its 4xx, and the log keeps the failure.
      this.logger.error({ err: error, attempted: attempt.attempted }, 'could not record a refused attempt');
    }
  }

  /** The number of refusals folded into this one, or undefined when this one is only counted. */
  private admit(key: string, now = Date.now()): number | undefined {
    const window = this.windows.get(key);
    if (window && now - window.openedAt < DENIAL_WINDOW_MS) {
      window.suppressed += 1;
      return undefined;
    }
    if (!window && this.windows.size >= MAX_TRACKED_KEYS) {
      this.evictClosedWindows(now);
      if (this.windows.size >= MAX_TRACKED_KEYS) return undefined;
    }
    this.windows.set(key, { openedAt: now, suppressed: 0 });
    return window?.suppressed ?? 0;
  }

  private evictClosedWindows(now: number) {
    for (const [key, window] of this.windows) {
      if (now - window.openedAt >= DENIAL_WINDOW_MS && window.suppressed === 0) this.windows.delete(key);
    }
  }
}
