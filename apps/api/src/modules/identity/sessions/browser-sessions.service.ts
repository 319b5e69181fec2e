import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditTrail } from '@app/audit';
import { Principal, toAuditActor } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { UnauthorizedError } from '@app/errors';
import type { SignedIn } from '../auth/auth.service';
import { MeView, meView } from '../auth/me.view';
import { PrincipalLoader } from '../auth/principal.loader';
import { UsersService } from '../users/users.service';
import { BrowserSession } from './browser-session.entity';
import { lastSeenResolutionSeconds, sessionRefusal } from './browser-session.policy';
import { checkCsrfToken, csrfTokenFor, hashSessionToken, issueSessionToken } from './session-token';

/** What the web app is told about its session: never the token, which only the cookie carries. */
export interface BrowserSessionView {
  csrfToken: string;
  expiresAt: Date;
  idleTimeoutSeconds: number;
  user: MeView;
}

/** A session and the principal it authenticates, as found for a request. */
export interface CurrentSession {
  session: Pick<BrowserSession, 'id' | 'userId' | 'createdAt' | 'expiresAt'>;
  principal: Principal;
}

/**
 * Browser sessions: started by a sign-in with a password, found by the SHA-256
 * of the cookie's token, ended by signing out, by time, or by a password change
 * (docs/decisions/0012-browser-sessions.md).
 */
@Injectable()
export class BrowserSessionsService {
  private readonly ttlSeconds: number;
  private readonly idleTimeoutSeconds: number;

  constructor(
    @InjectRepository(BrowserSession) private readonly sessions: Repository<BrowserSession>,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly principals: PrincipalLoader,
    private readonly users: UsersService,
    private readonly trail: AuditTrail,
  ) {
    this.ttlSeconds = config.auth.browserSession.ttlSeconds;
    this.idleTimeoutSeconds = config.auth.browserSession.idleTimeoutSeconds;
  }

  /** The cookie's lifetime: the session's absolute one. */
  get cookieMaxAgeSeconds(): number {
    return this.ttlSeconds;
  }

  /**
   * A session for a user who has just signed in (the sign-in was recorded then).
   * Its life is counted from the moment the password was checked, the moment a
   * later password change is compared with.
   */
  async start(signedIn: SignedIn): Promise<{ token: string; view: BrowserSessionView }> {
    const principal = await this.principals.forUser(signedIn.userId);
    // Deactivated between the password check and now.
    if (!principal) throw new UnauthorizedError('The email or password is wrong, or the account is deactivated.');
    const { token, tokenHash } = issueSessionToken();
    const expiresAt = new Date(signedIn.checkedAt.getTime() + this.ttlSeconds * 1000);
    await this.sessions.insert({ userId: signedIn.userId, tokenHash, createdAt: signedIn.checkedAt, expiresAt });
    return { token, view: await this.view(token, expiresAt, principal) };
  }

  /** The web app's own session, after a reload: the same answer as at sign-in. 401 without a usable one. */
  async current(token: string | undefined): Promise<BrowserSessionView> {
    const found = token === undefined ? undefined : await this.authenticate(token);
    if (!found) throw new UnauthorizedError('There is no browser session, or it has ended: sign in with POST /api/auth/session.');
    await this.noteUse(found.session);
    return this.view(token!, found.session.expiresAt, found.principal);
  }

  /**
   * The session a cookie's token stands for, and its user's principal, while
   * both may still be used: not ended, not expired, not idle too long, not
   * older than the user's last password change, the user not deactivated.
   */
  async authenticate(token: string): Promise<CurrentSession | undefined> {
    const {
      entities: [session],
      raw: [read],
    } = await this.sessions
      .createQueryBuilder('s')
      .select(['s.id', 's.userId', 's.createdAt', 's.lastSeenAt', 's.expiresAt', 's.endedAt'])
      .addSelect('now()', 'checked_at')
      .where('s.tokenHash = :tokenHash', { tokenHash: hashSessionToken(token) })
      .getRawAndEntities<{ checked_at: Date }>();
    if (!session || sessionRefusal(session, read.checked_at, this.idleTimeoutSeconds)) return undefined;
    const principal = await this.principals.forBrowserSession(session);
    return principal && { session, principal };
  }

  /** Moves last_seen_at to now, unless it moved less than a minute ago: one conditional UPDATE, usually matching nothing. */
  async noteUse(session: Pick<BrowserSession, 'id'>): Promise<void> {
    await this.sessions
      .createQueryBuilder()
      .update(BrowserSession)
      .set({ lastSeenAt: () => 'now()' })
      .where('id = :id AND ended_at IS NULL', { id: session.id })
      .andWhere('last_seen_at < now() - make_interval(secs => :seconds)', { seconds: lastSeenResolutionSeconds(this.idleTimeoutSeconds) })
      .execute();
  }

  /**
   * Signing out: ends the cookie's session, recorded in the same transaction.
   * A write like any other, so it needs the CSRF token; without a usable session
   * there is nothing to end (the caller still clears the cookie).
   */
  async signOut(token: string | undefined, csrfToken: string | undefined): Promise<void> {
    const found = token === undefined ? undefined : await this.authenticate(token);
    if (!found) return;
    checkCsrfToken(token!, csrfToken);
    await this.sessions.manager.transaction(async (manager) => {
      const ended = await manager
        .createQueryBuilder()
        .update(BrowserSession)
        .set({ endedAt: () => 'now()', endedReason: 'signed_out' })
        .where('id = :id AND ended_at IS NULL', { id: found.session.id })
        .execute();
      // Signed out by a concurrent request already, which recorded it.
      if (!ended.affected) return;
      await this.trail.record(manager, {
        action: 'auth.signed_out',
        target: { type: 'user', id: found.session.userId },
        actor: toAuditActor(found.principal),
        data: { sessionId: found.session.id },
      });
    });
  }

  private async view(token: string, expiresAt: Date, principal: Principal): Promise<BrowserSessionView> {
    return {
      csrfToken: csrfTokenFor(token),
      expiresAt,
      idleTimeoutSeconds: this.idleTimeoutSeconds,
      user: meView(await this.users.get(principal.userId), principal),
    };
  }
}
