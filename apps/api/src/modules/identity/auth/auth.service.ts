import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditActor, AuditSealer, AuditTrail } from '@app/audit';
import { toAuditActor } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { UnauthorizedError } from '@app/errors';
import { User } from '../users/user.entity';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, accessTokenPayload } from './access-token';
import { PasswordSignInOffRefusal } from './auth.errors';
import { PasswordHasher } from './password-hasher';
import { PrincipalLoader } from './principal.loader';

/** Who a failed sign-in is attributed to: nobody has proven an identity yet. */
const ANONYMOUS: AuditActor = { id: 'anonymous', kind: 'system', displayName: 'Unauthenticated caller', roles: [] };

export interface AccessToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** Who signed in, and when their credentials were read (by the database's clock, the one that stamps password changes). */
export interface SignedIn {
  userId: string;
  checkedAt: Date;
}

@Injectable()
export class AuthService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly hasher: PasswordHasher,
    private readonly principals: PrincipalLoader,
    private readonly jwt: JwtService,
    private readonly trail: AuditTrail,
    private readonly sealer: AuditSealer,
  ) {}

  /**
   * Checks an email and password. Every outcome is recorded; the caller only
   * ever learns "wrong email or password", whichever part was wrong.
   */
  async signIn(email: string, password: string): Promise<SignedIn> {
    const normalised = email.trim().toLowerCase();
    const { enabled, breakGlassEmail } = this.config.auth.passwordSignIn;
    if (!enabled && normalised !== breakGlassEmail) {
      // The same answer whatever the account: nothing is read, no password is checked.
      const refused = await this.users.manager.transaction((manager) =>
        this.trail.record(manager, {
          action: 'auth.login_failed',
          target: { type: 'user', id: 'unknown' },
          actor: ANONYMOUS,
          data: { method: 'password', email: normalised.slice(0, 320), reason: 'password_sign_in_off' },
        }),
      );
      await this.sealer.sealThrough(refused.xid);
      throw new PasswordSignInOffRefusal();
    }
    // now() is taken as this statement starts, before it reads the hash: a password change stamped later ends the
    // token even if this sign-in saw the old hash.
    const {
      entities: [user],
      raw: [read],
    } = await this.users
      .createQueryBuilder('u')
      .select(['u.id', 'u.passwordHash', 'u.active'])
      .addSelect('now()', 'checked_at')
      .where('u.email = :email', { email: normalised })
      .getRawAndEntities<{ checked_at: Date }>();
    const passwordOk = await this.hasher.verify(user?.passwordHash, password);
    const failure = !user ? 'unknown_email' : !passwordOk ? 'wrong_password' : !user.active ? 'deactivated' : undefined;
    const principal = !failure ? await this.principals.forUser(user.id) : undefined;

    const attempt = await this.users.manager.transaction((manager) =>
      this.trail.record(manager, {
        action: principal ? 'auth.login_succeeded' : 'auth.login_failed',
        target: { type: 'user', id: user?.id ?? 'unknown' },
        actor: principal ? toAuditActor(principal) : ANONYMOUS,
        data: principal ? { method: 'password' } : { email: normalised.slice(0, 320), reason: failure ?? 'deactivated' },
      }),
    );
    // Sign-in is checked in a guard, before the interceptor that waits for a request's events: it waits here.
    await this.sealer.sealThrough(attempt.xid);
    if (!principal) throw new UnauthorizedError('The email or password is wrong, or the account is deactivated.');
    return { userId: principal.userId, checkedAt: read.checked_at };
  }

  /** `issuedAt` defaults to now; sign-in passes the moment it read the credentials (see accessTokenPayload). */
  issueAccessToken(userId: string, issuedAt = new Date()): AccessToken {
    const expiresIn = this.config.auth.accessTokenTtlSeconds;
    const accessToken = this.jwt.sign(accessTokenPayload(userId, issuedAt), { expiresIn, issuer: ACCESS_TOKEN_ISSUER, audience: ACCESS_TOKEN_AUDIENCE });
    return { accessToken, tokenType: 'Bearer', expiresIn };
  }
}
