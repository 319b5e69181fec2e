import { createSecretKey } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request } from 'express';
import { Strategy as CustomStrategy } from 'passport-custom';
import { ExtractJwt, Strategy as JwtStrategyBase } from 'passport-jwt';
import { Strategy as LocalStrategyBase } from 'passport-local';
import { Repository } from 'typeorm';
import { Principal } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ApiKey } from '../api-keys/api-key.entity';
import { API_KEY_MARKER, parseApiKeyToken, secretMatches } from '../api-keys/api-key-token';
import { BrowserSessionsService } from '../sessions/browser-sessions.service';
import { readSessionToken } from '../sessions/session-cookie';
import { checkCsrfToken, CSRF_HEADER } from '../sessions/session-token';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, readAccessTokenClaims } from './access-token';
import { AuthService, SignedIn } from './auth.service';
import { PrincipalLoader } from './principal.loader';

/** Email and password, for POST /api/auth/login only. */
@Injectable()
export class LocalStrategy extends PassportStrategy(LocalStrategyBase, 'local') {
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'email', passwordField: 'password' });
  }

  validate(email: string, password: string): Promise<SignedIn> {
    return this.auth.signIn(email, password);
  }
}

/**
 * Access tokens: HS256 only (which also refuses `alg: none` and keys of
 * another kind), our issuer and audience, with `sub`, `iat`, `iat_ms` and
 * `exp`, not expired, and not older than the user's last password change. The token
 * carries only the user id and when it was issued; everything else is loaded
 * fresh.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(JwtStrategyBase, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly principals: PrincipalLoader,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A key object made once: given the secret as text, the verifier tries to read it as a public key
      // on every request (and fails, then falls back), which a profile showed as most of its cost.
      secretOrKey: createSecretKey(Buffer.from(config.auth.jwtSecret, 'utf8')) as unknown as string,
      algorithms: ['HS256'],
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      ignoreExpiration: false,
    });
  }

  async validate(payload: Record<string, unknown>): Promise<Principal | false> {
    // The verifier checks exp only when it is there; a token without it would be good for ever.
    const claims = readAccessTokenClaims(payload);
    if (!claims) return false;
    return (await this.principals.forAccessToken(claims)) ?? false;
  }
}

/** How often last_used_at is written: often enough to audit usage, rarely enough not to write on every call. */
const LAST_USED_RESOLUTION_SECONDS = 60;

/** API keys, for machines: `Authorization: Bearer ghk_…` or `X-API-Key: ghk_…`. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(CustomStrategy, 'api-key') {
  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    private readonly principals: PrincipalLoader,
  ) {
    super();
  }

  async validate(req: Request): Promise<Principal | false> {
    const bearer = /^Bearer (\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const presented = req.get('x-api-key') ?? (bearer?.startsWith(API_KEY_MARKER) ? bearer : undefined);
    const parsed = presented ? parseApiKeyToken(presented) : undefined;
    if (!parsed) return false;
    const key = await this.keys.findOne({
      select: { id: true, name: true, userId: true, secretHash: true, roles: true, revokedAt: true },
      where: { prefix: parsed.prefix },
    });
    if (!key || key.revokedAt || !secretMatches(parsed.secret, key.secretHash)) return false;
    const principal = await this.principals.forApiKey(key);
    if (!principal) return false;
    await this.keys.manager
      .createQueryBuilder()
      .update(ApiKey)
      .set({ lastUsedAt: () => 'now()' })
      .where('id = :id', { id: key.id })
      .andWhere('(last_used_at IS NULL OR last_used_at < now() - make_interval(secs => :seconds))', { seconds: LAST_USED_RESOLUTION_SECONDS })
      .execute();
    return principal;
  }
}

/** Methods that change nothing, so a page on another site gains nothing by making a browser send them. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The web app's session cookie (docs/decisions/0012-browser-sessions.md), tried
 * last: a request that carries an Authorization or X-API-Key header is judged on
 * that header alone. The principal is the user's, exactly as with an access
 * token. A request that may change something must also carry the session's CSRF
 * token, or it is refused with 403 (not 401: the session is fine).
 */
@Injectable()
export class SessionStrategy extends PassportStrategy(CustomStrategy, 'session') {
  constructor(private readonly sessions: BrowserSessionsService) {
    super();
  }

  async validate(req: Request): Promise<Principal | false> {
    if (req.get('authorization') !== undefined || req.get('x-api-key') !== undefined) return false;
    const token = readSessionToken(req);
    if (!token) return false;
    const found = await this.sessions.authenticate(token);
    if (!found) return false;
    if (!SAFE_METHODS.has(req.method)) checkCsrfToken(token, req.get(CSRF_HEADER));
    await this.sessions.noteUse(found.session);
    return found.principal;
  }
}
