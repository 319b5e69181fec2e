import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditActor, AuditTrail } from '@app/audit';
import { toAuditActor } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { UnauthorizedError } from '@app/errors';
import { PasswordHasher } from './password-hasher';
import { PrincipalLoader } from './principal.loader';

export const ACCESS_TOKEN_ISSUER = 'gatehouse';
export const ACCESS_TOKEN_AUDIENCE = 'gatehouse-api';

/** Who a failed sign-in is attributed to: nobody has proven an identity yet. */
const ANONYMOUS: AuditActor = { id: 'anonymous', kind: 'system', displayName: 'Unauthenticated caller', roles: [] };

export interface AccessToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly hasher: PasswordHasher,
    private readonly principals: PrincipalLoader,
    private readonly jwt: JwtService,
    private readonly trail: AuditTrail,
  ) {}

  /**
   * Checks an email and password. Every outcome is recorded; the caller only
   * ever learns "wrong email or password", whichever part was wrong.
   */
  async signIn(email: string, password: string): Promise<string> {
    const normalised = email.trim().toLowerCase();
    const [user]: { id: string; password_hash: string | null; active: boolean }[] = await this.dataSource.query(
      'SELECT id, password_hash, active FROM users WHERE email = $1',
      [normalised],
    );
    const passwordOk = await this.hasher.verify(user?.password_hash, password);
    const failure = !user ? 'unknown_email' : !passwordOk ? 'wrong_password' : !user.active ? 'deactivated' : undefined;
    const principal = !failure ? await this.principals.forUser(user.id) : undefined;

    await this.dataSource.transaction((manager) =>
      this.trail.record(manager, {
        action: principal ? 'auth.login_succeeded' : 'auth.login_failed',
        target: { type: 'user', id: user?.id ?? 'unknown' },
        actor: principal ? toAuditActor(principal) : ANONYMOUS,
        data: principal ? { method: 'password' } : { email: normalised.slice(0, 320), reason: failure ?? 'deactivated' },
      }),
    );
    if (!principal) throw new UnauthorizedError('The email or password is wrong, or the account is deactivated.');
    return principal.userId;
  }

  issueAccessToken(userId: string): AccessToken {
    const expiresIn = this.config.auth.accessTokenTtlSeconds;
    const accessToken = this.jwt.sign({ sub: userId }, { expiresIn, issuer: ACCESS_TOKEN_ISSUER, audience: ACCESS_TOKEN_AUDIENCE });
    return { accessToken, tokenType: 'Bearer', expiresIn };
  }
}
