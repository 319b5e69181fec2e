import { createServer } from 'node:net';
import type { Response } from 'supertest';
import { sealCommitted } from './support/audit-helpers';
import { createTestApp, givenTeam, givenUser, TEST_ADMIN, TestApp } from './support';
import { LocalOidcProvider, startOidcProvider } from './support/oidc/oidc-provider';

/** Where the test app says it is: only the redirect URI's text, the provider never calls it. */
const PUBLIC_URL = 'http://gatehouse.test';
const CLIENT = { clientId: 'gatehouse-test', clientSecret: 'a-client-secret-for-tests-only' };

/** A port nothing listens on: an issuer that does not answer. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A browser's cookies, by name only (the app and the provider are both on 127.0.0.1, names do not clash). */
class CookieJar {
  readonly cookies = new Map<string, string>();
  take(setCookie: string[] | string | undefined) {
    for (const line of ([] as string[]).concat(setCookie ?? [])) {
      const [pair, ...attributes] = line.split(/;\s*/);
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      if (!value || attributes.some((attribute) => /^max-age=0$/i.test(attribute) || /^expires=thu, 01 jan 1970/i.test(attribute))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

describe('single sign-on (OpenID Connect) against a local provider', () => {
  let t: TestApp;
  let idp: LocalOidcProvider;
  /** A second provider, stopped mid-sign-in. */
  let flaky: LocalOidcProvider;
  let claimsTeam: { id: string };

  beforeAll(async () => {
    idp = await startOidcProvider({
      ...CLIENT,
      redirectUris: [`${PUBLIC_URL}/api/auth/oidc/test/callback`],
      accounts: {
        alice: { email: 'alice@idp.test', name: 'Alice Idp', groups: ['gh-legal', 'claims-dev'] },
        bob: { email: 'bob@idp.test', name: 'Bob Idp', groups: ['gh-assessors'] },
        carol: { email: 'carol@idp.test', name: 'Carol', groups: [] },
        dave: { email: 'dave@idp.test', name: 'Dave', groups: [] },
        erin: { email: 'erin@idp.test', name: 'Erin', groups: [] },
        frank: { email: 'frank@idp.test', name: 'Frank', groups: [] },
      },
    });
    flaky = await startOidcProvider({ ...CLIENT, redirectUris: [`${PUBLIC_URL}/api/auth/oidc/flaky/callback`], accounts: { kim: { email: 'kim@idp.test', groups: [] } } });
    const down = await closedPort();
    t = await createTestApp({
      env: {
        GATEHOUSE_PUBLIC_URL: PUBLIC_URL,
        GATEHOUSE_OIDC_HTTP_TIMEOUT_MS: '2000',
        // SSO only, but for the break-glass administrator.
        GATEHOUSE_PASSWORD_SIGN_IN: 'off',
        GATEHOUSE_BREAK_GLASS_ADMIN_EMAIL: TEST_ADMIN.email,
        GATEHOUSE_OIDC_PROVIDERS: JSON.stringify([
          {
            id: 'test',
            name: 'Test IdP',
            issuer: idp.issuer,
            ...CLIENT,
            scopes: ['openid', 'email', 'profile', 'groups'],
            rolesClaim: 'groups',
            roleMap: { 'gh-legal': ['legal'], 'gh-assessors': ['assessor'] },
            teamMap: { 'claims-dev': [{ team: 'SSO Claims', role: 'developer' }] },
          },
          { id: 'down', name: 'Unreachable IdP', issuer: `http://127.0.0.1:${down}`, ...CLIENT },
          { id: 'flaky', name: 'Flaky IdP', issuer: flaky.issuer, ...CLIENT },
        ]),
      },
    });
    claimsTeam = await givenTeam(t, 'SSO Claims');
  });
  afterAll(async () => {
    await t?.close();
    await idp?.stop();
    await flaky?.stop();
  });

  const location = (res: Response) => res.headers.location as string;

  /** Start at the app, sign in at the provider as `account`, and stop at the provider's redirect back to the app. */
  async function toCallback(account: string, jar = new CookieJar(), next = '/use-cases'): Promise<{ jar: CookieJar; callback: URL }> {
    const start = await t.http().get(`/api/auth/oidc/test/start?next=${encodeURIComponent(next)}`).expect(302);
    jar.take(start.headers['set-cookie']);
    let url = new URL(location(start));
    expect(url.origin).toBe(idp.issuer);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('nonce')).toBeTruthy();
    for (let hops = 0; hops < 10; hops++) {
      if (url.origin === PUBLIC_URL) return { jar, callback: url };
      if (/^\/interaction\/[^/]+$/.test(url.pathname) && !url.searchParams.has('login')) url.searchParams.set('login', account);
      const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
      jar.take(res.headers.getSetCookie());
      if (res.status < 300 || res.status >= 400) throw new Error(`the provider answered ${res.status} at ${url.pathname}: ${await res.text()}`);
      url = new URL(res.headers.get('location')!, url);
    }
    throw new Error('too many redirects at the provider');
  }

  async function finish(jar: CookieJar, callback: URL) {
    const res = await t.http().get(`${callback.pathname}${callback.search}`).set('Cookie', jar.header()).expect(302);
    jar.take(res.headers['set-cookie']);
    return res;
  }

  async function signInAs(account: string, next?: string) {
    const { jar, callback } = await toCallback(account, new CookieJar(), next);
    return { jar, res: await finish(jar, callback) };
  }

  const userByEmail = async (email: string) => (await t.dataSource.query('SELECT id, email, display_name, password_hash FROM users WHERE email = $1', [email]))[0] as { id: string; display_name: string; password_hash: string | null } | undefined;
  const rolesOf = async (userId: string) => (await t.dataSource.query('SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role', [userId])).map((row: { role: string }) => row.role);
  const membershipsOf = async (userId: string) => (await t.dataSource.query('SELECT team_id, role FROM team_members WHERE user_id = $1', [userId])) as { team_id: string; role: string }[];
  const eventsFor = async (action: string, since = 0) => {
    await sealCommitted(t);
    return (await t.dataSource.query(`SELECT seq, actor_id, actor_kind, target_id, payload AS data FROM audit_events WHERE action = $1 AND seq > $2 ORDER BY seq`, [action, since])) as {
      seq: string;
      actor_id: string;
      actor_kind: string;
      target_id: string;
      data: Record<string, unknown>;
    }[];
  };
  const head = async () => Number((await t.dataSource.query(`SELECT coalesce(max(seq), 0) AS seq FROM audit_events`))[0].seq);
  const sessionCount = async () => Number((await t.dataSource.query('SELECT count(*) AS n FROM browser_sessions'))[0].n);

  async function expectRefused(res: Response, code: string, since: number) {
    expect(location(res)).toBe(`/sign-in?sso_error=${code}`);
    expect(([] as string[]).concat(res.headers['set-cookie'] ?? []).some((line) => /^gatehouse_session=[^;]/.test(line))).toBe(false);
    const failures = await eventsFor('auth.login_failed', since);
    expect(failures.map((event) => event.data)).toContainEqual(expect.objectContaining({ method: 'oidc', reason: code }));
  }

  it('lists the configured providers for the sign-in page, without secrets', async () => {
    const res = await t.http().get('/api/auth/providers').expect(200);
    expect(res.body).toEqual([
      { id: 'test', name: 'Test IdP' },
      { id: 'down', name: 'Unreachable IdP' },
      { id: 'flaky', name: 'Flaky IdP' },
    ]);
  });

  it('signs a new person in: the user is provisioned with the mapped role and team, the session cookie works, and the next path is kept', async () => {
    const since = await head();
    const { jar, res } = await signInAs('alice', '/use-cases?tab=mine');
    expect(location(res)).toBe('/use-cases?tab=mine');
    expect(jar.cookies.get('gatehouse_session')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const user = (await userByEmail('alice@idp.test'))!;
    expect(user).toMatchObject({ display_name: 'Alice Idp', password_hash: null });
    expect(await rolesOf(user.id)).toEqual(['legal']);
    expect(await membershipsOf(user.id)).toEqual([{ team_id: claimsTeam.id, role: 'developer' }]);

    const me = await t.http().get('/api/auth/session').set('Cookie', jar.header()).expect(200);
    expect(me.body.user).toMatchObject({ id: user.id, roles: ['legal'] });

    const byMapping = [...(await eventsFor('user.created', since)), ...(await eventsFor('user.role_granted', since)), ...(await eventsFor('team.member_added', since))];
    expect(byMapping).toHaveLength(3);
    for (const event of byMapping) expect(event).toMatchObject({ actor_id: 'oidc:test', actor_kind: 'system' });
    expect(await eventsFor('auth.login_succeeded', since)).toEqual([expect.objectContaining({ actor_id: user.id, data: { method: 'oidc', provider: 'test' } })]);
  });

  it('applies the mapping at every sign-in: a group removed at the provider removes the role and membership, audited as the mapping', async () => {
    await signInAs('bob');
    const bob = (await userByEmail('bob@idp.test'))!;
    expect(await rolesOf(bob.id)).toEqual(['assessor']);
    // A role the mapping does not manage stays.
    await t.dataSource.query(`INSERT INTO user_roles (user_id, role) VALUES ($1, 'compliance_officer')`, [bob.id]);
    await idp.setAccount('bob', { groups: ['claims-dev'] });
    const since = await head();
    const { jar } = await signInAs('bob');
    expect(jar.cookies.get('gatehouse_session')).toBeTruthy();
    expect(await rolesOf(bob.id)).toEqual(['compliance_officer']);
    expect(await membershipsOf(bob.id)).toEqual([{ team_id: claimsTeam.id, role: 'developer' }]);
    expect(await eventsFor('user.role_revoked', since)).toEqual([
      expect.objectContaining({ actor_id: 'oidc:test', actor_kind: 'system', target_id: bob.id, data: expect.objectContaining({ role: 'assessor', source: 'oidc', provider: 'test' }) }),
    ]);
    // Still the same user: found by the provider's subject.
    expect(Number((await t.dataSource.query('SELECT count(*) AS n FROM user_identities WHERE user_id = $1', [bob.id]))[0].n)).toBe(1);

    await idp.setAccount('bob', { groups: [] });
    const later = await head();
    await signInAs('bob');
    expect(await membershipsOf(bob.id)).toEqual([]);
    expect(await eventsFor('team.member_removed', later)).toEqual([expect.objectContaining({ actor_id: 'oidc:test', data: expect.objectContaining({ userId: bob.id, role: 'developer' }) })]);
  });

  it('refuses a tampered id_token: no session, no user', async () => {
    const since = await head();
    const sessions = await sessionCount();
    await idp.setMode({ tamperIdToken: true });
    try {
      const { jar, callback } = await toCallback('carol');
      const res = await finish(jar, callback);
      await expectRefused(res, 'id_token_invalid', since);
    } finally {
      await idp.setMode({ tamperIdToken: false });
    }
    expect(await userByEmail('carol@idp.test')).toBeUndefined();
    expect(await sessionCount()).toBe(sessions);
  });

  it('refuses an id_token whose nonce is not the one this sign-in sent', async () => {
    const since = await head();
    const { jar, callback } = await toCallback('dave');
    // The stored nonce of this sign-in is another one than the provider put in the id_token.
    await t.dataSource.query(`UPDATE oidc_logins SET nonce = 'not-the-nonce-that-was-sent'`);
    await expectRefused(await finish(jar, callback), 'id_token_invalid', since);
    expect(await userByEmail('dave@idp.test')).toBeUndefined();
  });

  it('refuses a missing, wrong, or foreign state, and a state used twice', async () => {
    const since = await head();
    const { jar, callback } = await toCallback('erin');
    // Each refusal clears the browser's state cookie: tried on copies of this browser's cookies.
    const copy = () => Object.assign(new CookieJar(), { cookies: new Map(jar.cookies) });
    const withoutState = new URL(callback);
    withoutState.searchParams.delete('state');
    await expectRefused(await finish(copy(), withoutState), 'state_invalid', since);
    const wrongState = new URL(callback);
    wrongState.searchParams.set('state', 'made-up');
    const wrongStateCookie = copy();
    wrongStateCookie.cookies.set('gatehouse_oidc_state', 'made-up');
    await expectRefused(await finish(wrongStateCookie, wrongState), 'state_invalid', since);
    // The right state from another browser (no cookie of the sign-in it started): a login CSRF.
    await expectRefused(await finish(new CookieJar(), callback), 'state_invalid', since);
    // The right one signs in; the same answer again is refused.
    const ok = await finish(jar, callback);
    expect(location(ok)).toBe('/use-cases');
    const replay = new CookieJar();
    replay.cookies.set('gatehouse_oidc_state', callback.searchParams.get('state')!);
    await expectRefused(await finish(replay, callback), 'state_invalid', since);
  });

  it('refuses a code used already and an expired code', async () => {
    const since = await head();
    const first = await toCallback('frank');
    await finish(first.jar, first.callback);
    // A fresh sign-in's state with the code already exchanged.
    const second = await toCallback('frank');
    const reused = new URL(second.callback);
    reused.searchParams.set('code', first.callback.searchParams.get('code')!);
    await expectRefused(await finish(second.jar, reused), 'code_rejected', since);

    await idp.setMode({ codeTtlSeconds: 1 });
    try {
      const expired = await toCallback('frank');
      await new Promise((resolve) => setTimeout(resolve, 2100));
      await expectRefused(await finish(expired.jar, expired.callback), 'code_rejected', since);
    } finally {
      await idp.setMode({ codeTtlSeconds: 60 });
    }
  });

  it('refuses a sign-in that took longer than the login timeout at the provider', async () => {
    const since = await head();
    const { jar, callback } = await toCallback('erin');
    await t.dataSource.query(`UPDATE oidc_logins SET created_at = now() - interval '1 hour', expires_at = now() - interval '1 second'`);
    await expectRefused(await finish(jar, callback), 'state_invalid', since);
    expect(Number((await t.dataSource.query('SELECT count(*) AS n FROM oidc_logins'))[0].n)).toBe(0);
  });

  it('never takes over an existing account by email, and refuses a deactivated one', async () => {
    const since = await head();
    const local = await givenUser(t, { name: 'local' });
    await idp.setAccount('grace', { email: local.email, name: 'Grace', groups: ['gh-legal'] });
    await expectRefused(await finish(...Object.values(await toCallback('grace')) as [CookieJar, URL]), 'account_conflict', since);
    expect(await rolesOf(local.id)).toEqual([]);
    expect(Number((await t.dataSource.query('SELECT count(*) AS n FROM user_identities WHERE user_id = $1', [local.id]))[0].n)).toBe(0);

    await idp.setAccount('heidi', { email: 'heidi@idp.test', name: 'Heidi', groups: [] });
    await signInAs('heidi');
    const heidi = (await userByEmail('heidi@idp.test'))!;
    await t.dataSource.query('UPDATE users SET active = false, deactivated_at = now() WHERE id = $1', [heidi.id]);
    await expectRefused(await finish(...Object.values(await toCallback('heidi')) as [CookieJar, URL]), 'deactivated', since);
  });

  it('provisions one user when the first two sign-ins of a subject arrive at once', async () => {
    await idp.setAccount('ivan', { email: 'ivan@idp.test', name: 'Ivan', groups: ['gh-assessors'] });
    const [a, b] = [await toCallback('ivan'), await toCallback('ivan')];
    const [resA, resB] = await Promise.all([finish(a.jar, a.callback), finish(b.jar, b.callback)]);
    expect([location(resA), location(resB)]).toEqual(['/use-cases', '/use-cases']);
    const users = await t.dataSource.query(`SELECT u.id FROM users u JOIN user_identities i ON i.user_id = u.id WHERE i.provider_id = 'test' AND i.subject = 'ivan'`);
    expect(users).toHaveLength(1);
    expect(await rolesOf(users[0].id)).toEqual(['assessor']);
  });

  it('refuses an answer carrying the provider\'s error', async () => {
    const since = await head();
    const { jar, callback } = await toCallback('frank');
    const denied = new URL(callback);
    denied.searchParams.delete('code');
    denied.searchParams.set('error', 'access_denied');
    await expectRefused(await finish(jar, denied), 'provider_error', since);
  });

  it('refuses an unknown provider and an issuer that does not answer, with no 500', async () => {
    const since = await head();
    await expectRefused(await t.http().get('/api/auth/oidc/nope/start').expect(302), 'unknown_provider', since);
    await expectRefused(await t.http().get('/api/auth/oidc/nope/callback?state=x&code=y').expect(302), 'unknown_provider', since);
    await expectRefused(await t.http().get('/api/auth/oidc/down/start').expect(302), 'provider_unavailable', since);
  });

  it('refuses, without a 500, when the provider stops answering between the start and the callback', async () => {
    const since = await head();
    const jar = new CookieJar();
    const start = await t.http().get('/api/auth/oidc/flaky/start').expect(302);
    jar.take(start.headers['set-cookie']);
    const state = new URL(location(start)).searchParams.get('state')!;
    await flaky.stop();
    // The answer a provider would give (with its iss, RFC 9207), arriving once it has stopped.
    const answer = new URLSearchParams({ code: 'some-code', state, iss: flaky.issuer });
    const res = await t.http().get(`/api/auth/oidc/flaky/callback?${answer}`).set('Cookie', jar.header()).expect(302);
    await expectRefused(res, 'provider_unavailable', since);
    expect(await userByEmail('kim@idp.test')).toBeUndefined();
  });

  it('never redirects off the site after signing in', async () => {
    const { res } = await signInAs('alice', '//evil.test/x');
    expect(location(res)).toBe('/');
  });

  describe('SSO only (GATEHOUSE_PASSWORD_SIGN_IN=off)', () => {
    it('refuses a password to everyone but the break-glass administrator, and records the refusal', async () => {
      const person = await givenUser(t, { roles: ['admin'] });
      const since = await head();
      for (const path of ['/api/auth/login', '/api/auth/session']) {
        const refused = await t.http().post(path).send({ email: person.email, password: person.password }).expect(403);
        expect(refused.body).toMatchObject({ type: 'urn:gatehouse:problem:password-sign-in-off' });
      }
      // An unknown email gets the same answer.
      await t.http().post('/api/auth/session').send({ email: 'nobody@gatehouse.test', password: 'whatever-long-enough' }).expect(403);
      expect((await eventsFor('auth.login_failed', since)).map((event) => event.data)).toEqual([
        expect.objectContaining({ method: 'password', reason: 'password_sign_in_off', email: person.email }),
        expect.objectContaining({ method: 'password', reason: 'password_sign_in_off', email: person.email }),
        expect.objectContaining({ method: 'password', reason: 'password_sign_in_off', email: 'nobody@gatehouse.test' }),
      ]);
      await t.http().post('/api/auth/session').send({ email: TEST_ADMIN.email, password: TEST_ADMIN.password }).expect(200);
      await t.http().post('/api/auth/login').send({ email: TEST_ADMIN.email, password: TEST_ADMIN.password }).expect(200);
    });
  });
});
