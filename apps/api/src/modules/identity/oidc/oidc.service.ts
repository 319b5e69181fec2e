import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import * as client from 'openid-client';
import { EntityManager, Repository } from 'typeorm';
import { AuditActor, AuditTrail } from '@app/audit';
import { OrgRole, TeamRole } from '@app/auth';
import { APP_CONFIG, AppConfig, OidcProviderConfig } from '@app/config';
import type { SignedIn } from '../auth/auth.service';
import { isUniqueViolation } from '../unique-violation';
import { UserRole } from '../users/user-role.entity';
import { User } from '../users/user.entity';
import { OidcLogin } from './oidc-login.entity';
import { groupsFromClaim, mappingChanges, Membership, safeNextPath } from './role-mapping.policy';
import { UserIdentity } from './user-identity.entity';

/** Who a failed sign-in is attributed to: nobody has proven an identity yet. */
const ANONYMOUS: AuditActor = { id: 'anonymous', kind: 'system', displayName: 'Unauthenticated caller', roles: [] };

/**
 * Why an SSO sign-in was refused: `code` goes to the web app (/sign-in?sso_error=<code>),
 * `reason` to the trail (auth.login_failed). Never more detail to the browser.
 */
export class SsoFailure extends Error {
  constructor(
    readonly code: SsoErrorCode,
    readonly reason: string,
    readonly userId?: string,
  ) {
    super(reason);
  }
}

export type SsoErrorCode =
  | 'unknown_provider'
  | 'provider_unavailable'
  | 'provider_error'
  | 'state_invalid'
  | 'code_rejected'
  | 'id_token_invalid'
  | 'account_conflict'
  | 'deactivated'
  | 'sign_in_failed';

export interface SsoStart {
  authorizationUrl: string;
  state: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/**
 * Sign-in through OpenID Connect providers: authorization code with PKCE, state and
 * nonce (openid-client checks the id_token's signature, issuer, audience, nonce and
 * expiry), then the user found by (provider, sub) or provisioned, and the provider's
 * groups applied as roles and team memberships (role-mapping.policy.ts). No database
 * transaction is open while a provider is asked anything.
 */
@Injectable()
export class OidcService {
  private readonly logger = new Logger(OidcService.name);
  private readonly settings: AppConfig['auth']['oidc'];
  /** Discovery per provider, kept once it succeeded (a failure is asked again next time). */
  private readonly configurations = new Map<string, Promise<client.Configuration>>();

  constructor(
    @InjectRepository(OidcLogin) private readonly logins: Repository<OidcLogin>,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly trail: AuditTrail,
  ) {
    this.settings = config.auth.oidc;
  }

  get stateCookieMaxAgeSeconds(): number {
    return this.settings.loginTimeoutSeconds;
  }

  providers(): { id: string; name: string }[] {
    return this.settings.providers.map(({ id, name }) => ({ id, name }));
  }

  /** Where the web app is: the callback's URL is rebuilt on it (not on the request's Host header). */
  get publicUrl(): string {
    return this.settings.publicUrl;
  }

  redirectUri(provider: OidcProviderConfig): string {
    return `${this.settings.publicUrl}/api/auth/oidc/${provider.id}/callback`;
  }

  /** Stores the sign-in's state, nonce and PKCE verifier; the browser goes to the returned URL. */
  async start(providerId: string, next: unknown): Promise<SsoStart> {
    const provider = this.provider(providerId);
    const configuration = await this.configuration(provider);
    const state = client.randomState();
    const nonce = client.randomNonce();
    const codeVerifier = client.randomPKCECodeVerifier();
    const codeChallenge = await client.calculatePKCECodeChallenge(codeVerifier);
    await this.logins.manager.transaction(async (manager) => {
      // Sign-ins abandoned at the provider: nothing else removes them.
      await manager.createQueryBuilder().delete().from(OidcLogin).where('expires_at < now()').execute();
      await manager
        .createQueryBuilder()
        .insert()
        .into(OidcLogin)
        .values({
          stateHash: sha256(state),
          providerId: provider.id,
          nonce,
          codeVerifier,
          nextPath: safeNextPath(next),
          expiresAt: () => `now() + make_interval(secs => ${Number(this.settings.loginTimeoutSeconds)})`,
        })
        .execute();
    });
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri(provider),
      scope: provider.scopes.join(' '),
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { authorizationUrl: url.href, state };
  }

  /**
   * The provider's answer: the state must be the one this browser started (its cookie)
   * and still stored (used once, within the timeout); the code is exchanged and the
   * id_token checked by openid-client; then the user is provisioned and mapped.
   */
  async callback(providerId: string, currentUrl: URL, cookieState: string | undefined): Promise<{ signedIn: SignedIn; next: string }> {
    const provider = this.provider(providerId);
    const state = currentUrl.searchParams.get('state');
    if (!state) throw new SsoFailure('state_invalid', 'the answer has no state');
    if (cookieState !== state) throw new SsoFailure('state_invalid', 'the state is not the one this browser started');
    const login = await this.takeLogin(provider.id, state);
    if (currentUrl.searchParams.has('error')) {
      throw new SsoFailure('provider_error', `the provider answered ${String(currentUrl.searchParams.get('error')).slice(0, 100)}`);
    }
    const configuration = await this.configuration(provider);
    let claims: client.IDToken;
    try {
      const tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: login.codeVerifier,
        expectedState: state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims()!;
    } catch (error) {
      throw grantFailure(error);
    }
    const signedIn = await this.signIn(provider, claims);
    return { signedIn, next: login.nextPath };
  }

  /** Records a refused sign-in (its own short transaction). */
  async recordFailure(providerId: string, failure: SsoFailure): Promise<void> {
    await this.logins.manager.transaction((manager) =>
      this.trail.record(manager, {
        action: 'auth.login_failed',
        target: { type: 'user', id: failure.userId ?? 'unknown' },
        actor: ANONYMOUS,
        data: { method: 'oidc', provider: providerId.slice(0, 40), reason: failure.code, detail: failure.reason.slice(0, 300) },
      }),
    );
  }

  private provider(id: string): OidcProviderConfig {
    const provider = this.settings.providers.find((candidate) => candidate.id === id);
    if (!provider) throw new SsoFailure('unknown_provider', 'no provider is configured with this id');
    return provider;
  }

  private configuration(provider: OidcProviderConfig): Promise<client.Configuration> {
    let found = this.configurations.get(provider.id);
    if (!found) {
      const issuer = new URL(provider.issuer);
      found = client.discovery(issuer, provider.clientId, provider.clientSecret, undefined, {
        timeout: Math.max(1, Math.ceil(this.settings.httpTimeoutMs / 1000)),
        // The configuration accepts http:// only for a provider on this machine (development, the tests).
        // enableNonRepudiationChecks: the id_token's signature is checked against the provider's keys (jwks_uri)
        // even though it came straight from the token endpoint, where openid-client otherwise trusts TLS alone.
        execute: [...(issuer.protocol === 'http:' ? [client.allowInsecureRequests] : []), client.enableNonRepudiationChecks],
      });
      this.configurations.set(provider.id, found);
      found.catch(() => this.configurations.delete(provider.id));
    }
    return found.catch((error: unknown) => {
      this.logger.warn(`OpenID provider ${provider.id} (${provider.issuer}) did not answer discovery: ${(error as Error).message}`);
      throw new SsoFailure('provider_unavailable', `discovery failed: ${(error as Error).message}`);
    });
  }

  /** The stored sign-in for this state, removed as it is read: a state is good once, and only before it expires. */
  private async takeLogin(providerId: string, state: string): Promise<OidcLogin & { fresh: boolean }> {
    const result = await this.logins
      .createQueryBuilder()
      .delete()
      .from(OidcLogin)
      .where('state_hash = :hash AND provider_id = :providerId', { hash: sha256(state), providerId })
      .returning(['nonce', 'code_verifier', 'next_path', '(expires_at > now()) AS fresh'].join(', '))
      .execute();
    const [row] = result.raw as { nonce: string; code_verifier: string; next_path: string; fresh: boolean }[];
    if (!row) throw new SsoFailure('state_invalid', 'the state is unknown or was used already');
    if (!row.fresh) throw new SsoFailure('state_invalid', 'the sign-in took longer than GATEHOUSE_OIDC_LOGIN_TIMEOUT_SECONDS');
    return { nonce: row.nonce, codeVerifier: row.code_verifier, nextPath: row.next_path, fresh: row.fresh } as OidcLogin & { fresh: boolean };
  }

  /**
   * The user behind the claims, provisioned and mapped, and the sign-in recorded: one transaction.
   * Two first sign-ins of one subject at once (two tabs, two instances) both find no identity; the
   * second to insert meets the first one's user (its email) or identity and is run again, finding them.
   */
  private async signIn(provider: OidcProviderConfig, claims: client.IDToken): Promise<SignedIn> {
    try {
      return await this.signInOnce(provider, claims);
    } catch (error) {
      if (!isUniqueViolation(error, 'users_email_unique') && !isUniqueViolation(error, 'user_identities_pkey')) throw error;
      return this.signInOnce(provider, claims);
    }
  }

  private async signInOnce(provider: OidcProviderConfig, claims: client.IDToken): Promise<SignedIn> {
    const mappingActor: AuditActor = { id: `oidc:${provider.id}`, kind: 'system', displayName: `${provider.name} role mapping`, roles: [] };
    const email = typeof claims.email === 'string' && claims.email.includes('@') ? claims.email.trim().toLowerCase().slice(0, 320) : null;
    const displayName = (typeof claims.name === 'string' && claims.name.trim()) || email || claims.sub;
    const groups = groupsFromClaim(claims[provider.rolesClaim]);
    return this.logins.manager.transaction(async (manager) => {
      const [{ now }] = (await manager.query('SELECT now() AS now')) as { now: Date }[];
      let identity = await manager.getRepository(UserIdentity).createQueryBuilder('i').where('i.providerId = :p AND i.subject = :s', { p: provider.id, s: claims.sub }).setLock('pessimistic_write').getOne();
      if (!identity) {
        identity = await this.provision(manager, provider, claims.sub, email, displayName.slice(0, 200), mappingActor);
      } else {
        await manager.getRepository(UserIdentity).update({ providerId: provider.id, subject: claims.sub }, { email, lastSignInAt: () => 'now()' });
      }
      const user = await manager.getRepository(User).createQueryBuilder('u').where('u.id = :id', { id: identity.userId }).setLock('pessimistic_write').getOneOrFail();
      if (!user.active) throw new SsoFailure('deactivated', 'the account is deactivated', user.id);
      const roles = await this.applyMapping(manager, provider, user.id, groups, mappingActor);
      await this.trail.record(manager, {
        action: 'auth.login_succeeded',
        target: { type: 'user', id: user.id },
        actor: { id: user.id, kind: 'user', displayName: user.displayName, roles },
        data: { method: 'oidc', provider: provider.id },
      });
      return { userId: user.id, checkedAt: now };
    });
  }

  private async provision(manager: EntityManager, provider: OidcProviderConfig, subject: string, email: string | null, displayName: string, actor: AuditActor): Promise<UserIdentity> {
    // users.email is unique and required: a provider without an email claim gets a placeholder that cannot receive mail.
    const userEmail = email ?? `${createHash('sha256').update(`${provider.id}\n${subject}`).digest('hex').slice(0, 24)}@${provider.id}.sso.invalid`;
    // Never take over an account by email: the provider's email proves nothing here.
    if (await manager.getRepository(User).existsBy({ email: userEmail })) {
      throw new SsoFailure('account_conflict', `a user with the provider's email already exists and is not linked to this ${provider.id} subject`);
    }
    const [user] = (await manager.query(
      `INSERT INTO users (email, display_name, kind, password_hash) VALUES ($1, $2, 'person', NULL) RETURNING id`,
      [userEmail, displayName],
    )) as { id: string }[];
    await manager.getRepository(UserIdentity).insert({ providerId: provider.id, subject, userId: user.id, email });
    await this.trail.record(manager, {
      action: 'user.created',
      target: { type: 'user', id: user.id },
      after: { email: userEmail, displayName, kind: 'person', roles: [], active: true },
      data: { source: 'oidc', provider: provider.id },
      actor,
    });
    return { providerId: provider.id, subject, userId: user.id, email } as UserIdentity;
  }

  /** Applies the provider's groups (role-mapping.policy.ts), each change audited as the mapping's; returns the roles held after. */
  private async applyMapping(manager: EntityManager, provider: OidcProviderConfig, userId: string, groups: string[], actor: AuditActor): Promise<OrgRole[]> {
    const roles = ((await manager.query('SELECT role FROM user_roles WHERE user_id = $1', [userId])) as { role: OrgRole }[]).map((row) => row.role);
    const memberships = (await manager.query('SELECT t.id, t.name AS team, m.role FROM team_members m JOIN teams t ON t.id = m.team_id WHERE m.user_id = $1', [userId])) as (Membership & { id: string })[];
    const changes = mappingChanges(provider, groups, { roles, memberships });
    const data = { source: 'oidc' as const, provider: provider.id, groups: groups.slice(0, 50) };
    let held = [...roles];
    for (const role of changes.grant) {
      await manager.getRepository(UserRole).insert({ userId, role });
      const after = [...held, role];
      await this.trail.record(manager, { action: 'user.role_granted', target: { type: 'user', id: userId }, data: { role, ...data }, before: { roles: held }, after: { roles: after }, actor });
      held = after;
    }
    for (const role of changes.revoke) {
      if (role === 'admin' && !(await this.anotherActiveAdmin(manager, userId))) {
        this.logger.warn(`Provider ${provider.id} no longer gives user ${userId} the admin role, but they are the last active administrator: kept`);
        continue;
      }
      await manager.getRepository(UserRole).delete({ userId, role });
      const after = held.filter((heldRole) => heldRole !== role);
      await this.trail.record(manager, { action: 'user.role_revoked', target: { type: 'user', id: userId }, data: { role, ...data }, before: { roles: held }, after: { roles: after }, actor });
      held = after;
    }
    for (const { team, role } of changes.add) {
      const teamId = await this.lockTeam(manager, team);
      if (!teamId) {
        this.logger.warn(`Provider ${provider.id} maps to team "${team}", which does not exist: membership not added`);
        continue;
      }
      await manager.query('INSERT INTO team_members (team_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [teamId, userId, role]);
      await this.trail.record(manager, { action: 'team.member_added', target: { type: 'team', id: teamId }, data: { userId, role: role satisfies TeamRole, ...data }, actor });
    }
    for (const { team, role } of changes.remove) {
      const teamId = await this.lockTeam(manager, team);
      if (!teamId) continue;
      await manager.query('DELETE FROM team_members WHERE team_id = $1 AND user_id = $2 AND role = $3', [teamId, userId, role]);
      await this.trail.record(manager, { action: 'team.member_removed', target: { type: 'team', id: teamId }, data: { userId, role, ...data }, actor });
    }
    return held;
  }

  /** Membership changes lock the team row, as TeamsService does. */
  private async lockTeam(manager: EntityManager, name: string): Promise<string | undefined> {
    const [row] = (await manager.query('SELECT id FROM teams WHERE lower(name) = lower($1) FOR UPDATE', [name])) as { id: string }[];
    return row?.id;
  }

  private async anotherActiveAdmin(manager: EntityManager, userId: string): Promise<boolean> {
    const [row] = (await manager.query(
      `SELECT 1 FROM user_roles r JOIN users u ON u.id = r.user_id WHERE r.role = 'admin' AND u.active AND u.id <> $1 LIMIT 1`,
      [userId],
    )) as unknown[];
    return Boolean(row);
  }
}

/** What went wrong with the code exchange, in the web app's words. */
function grantFailure(error: unknown): SsoFailure {
  if (error instanceof SsoFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof client.AuthorizationResponseError) return new SsoFailure('provider_error', `the provider answered ${error.error}`);
  if (error instanceof client.ResponseBodyError) return new SsoFailure('code_rejected', `the token endpoint answered ${error.error}: ${error.error_description ?? ''}`);
  const cause = (error as { cause?: { message?: unknown } }).cause;
  const because = typeof cause?.message === 'string' ? ` (${cause.message})` : '';
  if (unreachable(error)) return new SsoFailure('provider_unavailable', `the provider did not answer: ${message}${because}`);
  return new SsoFailure('id_token_invalid', `${message}${because}`);
}

/**
 * Whether the provider could not be reached (token endpoint or keys): fetch's "fetch failed"
 * TypeError, a timeout, or a socket error, possibly wrapped as the cause of the library's error.
 * By name, not instanceof: the error may come from another realm (undici's).
 */
function unreachable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const { name, message, code, cause } = error as { name?: string; message?: string; code?: string; cause?: unknown };
  if (name === 'AbortError' || name === 'TimeoutError' || code === 'OAUTH_TIMEOUT' || code === 'OAUTH_ABORT') return true;
  if (name === 'TypeError' && message === 'fetch failed') return true;
  if (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|UND_ERR_)/.test(code)) return true;
  return unreachable(cause, depth + 1);
}
