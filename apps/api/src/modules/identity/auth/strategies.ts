import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import { Strategy as CustomStrategy } from 'passport-custom';
import { ExtractJwt, Strategy as JwtStrategyBase } from 'passport-jwt';
import { Strategy as LocalStrategyBase } from 'passport-local';
import { DataSource } from 'typeorm';
import { OrgRole, Principal } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { API_KEY_MARKER, parseApiKeyToken, secretMatches } from '../api-keys/api-key-token';
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
      secretOrKey: config.auth.jwtSecret,
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
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly principals: PrincipalLoader,
  ) {
    super();
  }

  async validate(req: Request): Promise<Principal | false> {
    const bearer = /^Bearer (\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const presented = req.get('x-api-key') ?? (bearer?.startsWith(API_KEY_MARKER) ? bearer : undefined);
    const parsed = presented ? parseApiKeyToken(presented) : undefined;
    if (!parsed) return false;
    const [key]: { id: string; name: string; user_id: string; secret_hash: string; roles: OrgRole[]; revoked_at: Date | null }[] =
      await this.dataSource.query('SELECT id, name, user_id, secret_hash, roles, revoked_at FROM api_keys WHERE prefix = $1', [parsed.prefix]);
    if (!key || key.revoked_at || !secretMatches(parsed.secret, key.secret_hash)) return false;
    const principal = await this.principals.forApiKey({ id: key.id, name: key.name, userId: key.user_id, roles: key.roles });
    if (!principal) return false;
    await this.dataSource.query(
      `UPDATE api_keys SET last_used_at = now()
       WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2))`,
      [key.id, LAST_USED_RESOLUTION_SECONDS],
    );
    return principal;
  }
}
