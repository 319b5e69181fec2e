import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { adminUser, bearer, createTestApp, givenApiKey, givenUser, TEST_ADMIN, TestApp, TestUser, withClient } from './support';

const PROBLEM_JSON = /^application\/problem\+json/;
const problem = (code: string) => `urn:gatehouse:problem:${code}`;

interface Session {
  token: string;
  /** The Cookie header a browser would send. */
  cookie: { Cookie: string };
  csrfToken: string;
  body: Record<string, unknown>;
  setCookie: string;
}

/** The Set-Cookie line for gatehouse_session, or undefined. */
function sessionSetCookie(res: Response): string | undefined {
  const lines = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return lines.find((line) => line.startsWith('gatehouse_session='));
}

/** A cookie line's attributes, in any order, as lower-case names (and values). */
function attributesOf(setCookie: string): string[] {
  return setCookie.split(/;\s*/).slice(1).map((part) => part.toLowerCase()).sort();
}

describe('browser sessions', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await adminUser(t);
  });
  afterAll(() => t.close());

  async function signIn(user: { email: string; password: string } = TEST_ADMIN, app: TestApp = t): Promise<Session> {
    const res = await app.http().post('/api/auth/session').send({ email: user.email, password: user.password }).expect(200);
    const setCookie = sessionSetCookie(res)!;
    const token = /^gatehouse_session=([^;]*)/.exec(setCookie)![1];
    return { token, cookie: { Cookie: `gatehouse_session=${token}` }, csrfToken: res.body.csrfToken, body: res.body, setCookie };
  }

  const rowOf = async (token: string) => {
    const [row] = await t.dataSource.query(
      'SELECT id, user_id, created_at, last_seen_at, expires_at, ended_at, ended_reason FROM browser_sessions WHERE token_hash = $1',
      [createHash('sha256').update(token).digest()],
    );
    return row as { id: string; user_id: string; created_at: Date; last_seen_at: Date; expires_at: Date; ended_at: Date | null; ended_reason: string | null };
  };
  /** Changes a session's row as the schema's owner would: to age it without waiting. */
  const asOwner = (sql: string, token: string) => withClient(t.database.url, (owner) => owner.query(sql, [createHash('sha256').update(token).digest()]));
  const teamNamed = async (name: string) => (await t.dataSource.query('SELECT id FROM teams WHERE name = $1', [name])).length;

  describe('signing in', () => {
    it('sets an httpOnly, SameSite=Strict cookie for the whole site (not Secure over http) and answers the session, never cached', async () => {
      const before = Date.now();
      const session = await signIn();
      expect(session.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(attributesOf(session.setCookie)).toEqual(['httponly', 'max-age=43200', 'path=/', 'samesite=strict']);

      const me = await t.http().get('/api/me').set(bearer(admin.token)).expect(200);
      expect(session.body).toEqual({ csrfToken: expect.any(String), expiresAt: expect.any(String), idleTimeoutSeconds: 3600, user: me.body });
      expect(session.body.user).toMatchObject({ email: TEST_ADMIN.email, via: 'user', effectiveRoles: ['admin'], apiKeyId: null });
      const expiresAt = Date.parse(session.body.expiresAt as string);
      expect(expiresAt).toBeGreaterThanOrEqual(before + 12 * 3600_000 - 1000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 12 * 3600_000);
      // The signed double-submit token: HMAC-SHA256 of "gatehouse-csrf", keyed with the cookie's token.
      expect(session.csrfToken).toBe(createHmac('sha256', session.token).update('gatehouse-csrf').digest('base64url'));
    });

    it('answers with Cache-Control: no-store, and records the sign-in', async () => {
      const res = await t.http().post('/api/auth/session').send(TEST_ADMIN).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.pragma).toBe('no-cache');
      const [{ latest }] = await t.dataSource.query(`SELECT max(seq)::int AS latest FROM audit_events WHERE action = 'auth.login_succeeded' AND target_id = $1`, [admin.id]);
      const [{ head }] = await t.dataSource.query(`SELECT seq::int AS head FROM audit_chain_heads WHERE chain = 'main'`);
      expect(latest).toBe(head);
    });

    it('keeps only the SHA-256 of the token, with the session\'s times', async () => {
      const session = await signIn();
      const row = await rowOf(session.token);
      expect(row).toMatchObject({ user_id: admin.id, ended_at: null, ended_reason: null });
      expect(row.expires_at.getTime() - row.created_at.getTime()).toBe(12 * 3600_000);
      const everything = JSON.stringify(await t.dataSource.query("SELECT *, encode(token_hash, 'escape') AS raw, encode(token_hash, 'base64') AS b64 FROM browser_sessions"));
      expect(everything).not.toContain(session.token);
      expect(everything).not.toContain(session.csrfToken);
    });

    it('answers a wrong password or an unknown email with 401 and no cookie, and creates no session', async () => {
      const [{ n: before }] = await t.dataSource.query('SELECT count(*)::int AS n FROM browser_sessions');
      for (const body of [{ email: TEST_ADMIN.email, password: 'not-the-password' }, { email: 'nobody@gatehouse.test', password: 'whatever' }]) {
        const res = await t.http().post('/api/auth/session').send(body);
        expect(res.status).toBe(401);
        expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
        expect(sessionSetCookie(res)).toBeUndefined();
      }
      const [{ n: after }] = await t.dataSource.query('SELECT count(*)::int AS n FROM browser_sessions');
      expect(after).toBe(before);
      await t.http().post('/api/auth/session').send({ email: TEST_ADMIN.email }).expect(422);
    });

    it('takes no credentials a cross-site form could send: url-encoded and text bodies are 415, multipart ones are not read', async () => {
      const form = `email=${encodeURIComponent(TEST_ADMIN.email)}&password=${encodeURIComponent(TEST_ADMIN.password)}`;
      for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
        const res = await t.http().post('/api/auth/session').set('Content-Type', type).send(form);
        expect({ type, status: res.status, cookie: sessionSetCookie(res) }).toEqual({ type, status: 415, cookie: undefined });
      }
      const multipart = await t.http().post('/api/auth/session').field('email', TEST_ADMIN.email).field('password', TEST_ADMIN.password);
      expect({ status: multipart.status, cookie: sessionSetCookie(multipart) }).toEqual({ status: 422, cookie: undefined });
    });
  });

  describe('the cookie authenticates', () => {
    it('GET /api/me with the cookie alone, as the user, exactly as a token does', async () => {
      const session = await signIn();
      const viaCookie = await t.http().get('/api/me').set(session.cookie).expect(200);
      const viaToken = await t.http().get('/api/me').set(bearer(admin.token)).expect(200);
      expect(viaCookie.body).toEqual(viaToken.body);
      await t.http().get('/api/audit/verify').set(session.cookie).expect(200);
    });

    it('GET /api/auth/session answers the same session again, never cached; 401 problem without one', async () => {
      const session = await signIn();
      const again = await t.http().get('/api/auth/session').set(session.cookie).expect(200);
      expect(again.body).toEqual(session.body);
      expect(again.headers['cache-control']).toBe('no-store');

      for (const cookie of [{}, { Cookie: 'gatehouse_session=made-up' }, { Cookie: `gatehouse_session=${randomBytes(32).toString('base64url')}` }]) {
        const res = await t.http().get('/api/auth/session').set(cookie);
        expect(res.status).toBe(401);
        expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
        await t.http().get('/api/me').set(cookie).expect(401);
      }
    });

    it('never outranks an Authorization or X-API-Key header, valid or not', async () => {
      const session = await signIn();
      const other = await givenUser(t);
      const me = await t.http().get('/api/me').set(session.cookie).set(bearer(other.token)).expect(200);
      expect(me.body.id).toBe(other.id);
      await t.http().get('/api/me').set(session.cookie).set(bearer('not-a-token')).expect(401);
      await t.http().get('/api/me').set(session.cookie).set('X-API-Key', 'ghk_nothing').expect(401);
      const refused = await t.http().post('/api/teams').set(session.cookie).set('X-CSRF-Token', session.csrfToken).set(bearer(other.token)).send({ name: `t-${randomBytes(4).toString('hex')}` });
      expect(refused.status).toBe(403);
      expect(refused.body.type).toBe(problem('permission-required'));
    });

    it('a 401 names the session cookie among the ways to sign in', async () => {
      const res = await t.http().get('/api/me').expect(401);
      expect(res.body.detail).toMatch(/gatehouse_session cookie from POST \/api\/auth\/session/);
    });
  });

  describe('CSRF', () => {
    it('a write with the cookie but no X-CSRF-Token is refused with 403 csrf-token-missing, and changes nothing', async () => {
      const session = await signIn();
      const name = `csrf ${randomBytes(4).toString('hex')}`;
      const res = await t.http().post('/api/teams').set(session.cookie).send({ name });
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(res.body).toMatchObject({ type: problem('csrf-token-missing'), status: 403 });
      expect(res.body.detail).toMatch(/X-CSRF-Token/);
      expect(await teamNamed(name)).toBe(0);
    });

    it('a wrong token, or the token of another session, is refused with 403 csrf-token-invalid', async () => {
      const session = await signIn();
      const another = await signIn();
      const name = `csrf ${randomBytes(4).toString('hex')}`;
      for (const token of ['wrong', another.csrfToken, session.token, `${session.csrfToken}x`]) {
        const res = await t.http().post('/api/teams').set(session.cookie).set('X-CSRF-Token', token).send({ name });
        expect({ status: res.status, type: res.body.type }).toEqual({ status: 403, type: problem('csrf-token-invalid') });
      }
      expect(await teamNamed(name)).toBe(0);
    });

    it("the session's own token lets the write through", async () => {
      const session = await signIn();
      const name = `csrf ${randomBytes(4).toString('hex')}`;
      const res = await t.http().post('/api/teams').set(session.cookie).set('X-CSRF-Token', session.csrfToken).send({ name }).expect(201);
      expect(res.body.name).toBe(name);
      const [event] = await t.dataSource.query(`SELECT actor_id, actor_kind FROM audit_events WHERE action = 'team.created' AND target_id = $1`, [res.body.id]);
      expect(event).toEqual({ actor_id: admin.id, actor_kind: 'user' });
    });

    it('reads need no CSRF token; an expired session is a 401 before any CSRF question', async () => {
      const session = await signIn();
      await t.http().get('/api/teams').set(session.cookie).expect(200);
      await t.http().head('/api/teams').set(session.cookie).expect(200);
      await asOwner("UPDATE browser_sessions SET expires_at = now() - interval '1 second', created_at = now() - interval '1 hour' WHERE token_hash = $1", session.token);
      await t.http().post('/api/teams').set(session.cookie).send({ name: 'never' }).expect(401);
    });

    it('a bearer token or an API key needs none', async () => {
      await t.http().post('/api/teams').set(bearer(admin.token)).send({ name: `b ${randomBytes(4).toString('hex')}` }).expect(201);
      const key = await givenApiKey(t, admin, ['admin']);
      await t.http().post('/api/teams').set('X-API-Key', key.token).send({ name: `k ${randomBytes(4).toString('hex')}` }).expect(201);
    });
  });

  describe('signing out', () => {
    it('needs the CSRF token while the session is valid', async () => {
      const session = await signIn();
      const res = await t.http().delete('/api/auth/session').set(session.cookie);
      expect(res.status).toBe(403);
      expect(res.body.type).toBe(problem('csrf-token-missing'));
      expect(sessionSetCookie(res)).toBeUndefined();
      await t.http().delete('/api/auth/session').set(session.cookie).set('X-CSRF-Token', (await signIn()).csrfToken).expect(403);
      await t.http().get('/api/me').set(session.cookie).expect(200);
    });

    it('ends the session, clears the cookie and records auth.signed_out; the old cookie is refused afterwards', async () => {
      const session = await signIn();
      const { id } = await rowOf(session.token);
      const res = await t.http().delete('/api/auth/session').set(session.cookie).set('X-CSRF-Token', session.csrfToken).expect(204);
      expect(res.text).toBe('');
      const cleared = sessionSetCookie(res)!;
      expect(cleared).toMatch(/^gatehouse_session=;/);
      expect(attributesOf(cleared)).toEqual(['httponly', 'max-age=0', 'path=/', 'samesite=strict']);

      expect(await rowOf(session.token)).toMatchObject({ ended_at: expect.any(Date), ended_reason: 'signed_out' });
      await t.http().get('/api/me').set(session.cookie).expect(401);
      await t.http().get('/api/auth/session').set(session.cookie).expect(401);
      await t.http().post('/api/teams').set(session.cookie).set('X-CSRF-Token', session.csrfToken).send({ name: 'after sign-out' }).expect(401);

      // Sealed before the answer went out.
      const events = await t.dataSource.query(
        `SELECT actor_id, actor_kind, target_type, target_id, payload FROM audit_events WHERE action = 'auth.signed_out' AND payload->>'sessionId' = $1`,
        [id],
      );
      expect(events).toEqual([{ actor_id: admin.id, actor_kind: 'user', target_type: 'user', target_id: admin.id, payload: { sessionId: id } }]);
    });

    it('answers 204 and clears the cookie also without a valid session, recording nothing', async () => {
      const session = await signIn();
      await t.http().delete('/api/auth/session').set(session.cookie).set('X-CSRF-Token', session.csrfToken).expect(204);
      const [{ n: before }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'auth.signed_out'`);
      for (const cookie of [session.cookie, {}, { Cookie: 'gatehouse_session=made-up' }]) {
        const res = await t.http().delete('/api/auth/session').set(cookie).expect(204);
        expect(sessionSetCookie(res)).toMatch(/^gatehouse_session=;.*Max-Age=0/i);
      }
      const [{ n: after }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'auth.signed_out'`);
      expect(after).toBe(before);
    });

    it('ends only its own session', async () => {
      const first = await signIn();
      const second = await signIn();
      await t.http().delete('/api/auth/session').set(first.cookie).set('X-CSRF-Token', first.csrfToken).expect(204);
      await t.http().get('/api/me').set(second.cookie).expect(200);
    });
  });

  describe('a session ends', () => {
    it('after the idle timeout, measured from its last use, which it moves at most once a minute', async () => {
      const session = await signIn();
      await asOwner("UPDATE browser_sessions SET last_seen_at = now() - interval '59 minutes' WHERE token_hash = $1", session.token);
      await t.http().get('/api/me').set(session.cookie).expect(200);
      const used = (await rowOf(session.token)).last_seen_at;
      expect(Date.now() - used.getTime()).toBeLessThan(60_000);
      await t.http().get('/api/me').set(session.cookie).expect(200);
      expect((await rowOf(session.token)).last_seen_at).toEqual(used);

      await asOwner("UPDATE browser_sessions SET last_seen_at = now() - interval '61 minutes' WHERE token_hash = $1", session.token);
      await t.http().get('/api/me').set(session.cookie).expect(401);
      await t.http().get('/api/auth/session').set(session.cookie).expect(401);
    });

    it('at its absolute end, however recently used', async () => {
      const session = await signIn();
      await asOwner("UPDATE browser_sessions SET created_at = created_at - interval '13 hours', expires_at = now() - interval '1 millisecond' WHERE token_hash = $1", session.token);
      await t.http().get('/api/me').set(session.cookie).expect(401);
    });

    it('when its user changes their password, every session of theirs, the one that changed it too', async () => {
      const user = await givenUser(t);
      const first = await signIn(user);
      const second = await signIn(user);
      await t.http().post('/api/me/password').set(first.cookie).send({ currentPassword: user.password, newPassword: 'the-new-password-1' }).expect(403);
      await t.http().post('/api/me/password').set(first.cookie).set('X-CSRF-Token', first.csrfToken).send({ currentPassword: user.password, newPassword: 'the-new-password-1' }).expect(204);
      await t.http().get('/api/me').set(first.cookie).expect(401);
      await t.http().get('/api/me').set(second.cookie).expect(401);
      const fresh = await signIn({ email: user.email, password: 'the-new-password-1' });
      await t.http().get('/api/me').set(fresh.cookie).expect(200);
    });

    it('when its user is deactivated', async () => {
      const user = await givenUser(t, { roles: ['legal'] });
      const session = await signIn(user);
      await t.http().get('/api/me').set(session.cookie).expect(200);
      await t.http().post(`/api/users/${user.id}/deactivate`).set(bearer(admin.token)).expect(200);
      await t.http().get('/api/me').set(session.cookie).expect(401);
      await t.http().get('/api/auth/session').set(session.cookie).expect(401);
    });

    it('and roles follow the user: a role revoked is gone on the next request of the same session', async () => {
      const user = await givenUser(t, { roles: ['compliance_officer'] });
      const session = await signIn(user);
      await t.http().get('/api/audit/verify').set(session.cookie).expect(200);
      await t.http().delete(`/api/users/${user.id}/roles/compliance_officer`).set(bearer(admin.token)).expect(200);
      await t.http().get('/api/audit/verify').set(session.cookie).expect(403);
    });
  });
});

describe('browser sessions behind a proxy', () => {
  it('are Secure cookies when a trusted proxy says https, and only then', async () => {
    const trusting = await createTestApp({ env: { GATEHOUSE_TRUST_PROXY: 'true' } });
    try {
      const https = await trusting.http().post('/api/auth/session').set('X-Forwarded-Proto', 'https').send(TEST_ADMIN).expect(200);
      expect(attributesOf(sessionSetCookie(https)!)).toEqual(['httponly', 'max-age=43200', 'path=/', 'samesite=strict', 'secure']);
      const http = await trusting.http().post('/api/auth/session').send(TEST_ADMIN).expect(200);
      expect(attributesOf(sessionSetCookie(http)!)).not.toContain('secure');
    } finally {
      await trusting.close();
    }
  });

  it('take their lifetimes from the configuration', async () => {
    const configured = await createTestApp({ env: { GATEHOUSE_SESSION_TTL_HOURS: '2', GATEHOUSE_SESSION_IDLE_MINUTES: '15' } });
    try {
      // No proxy is trusted here: the header is anyone's to send.
      const res = await configured.http().post('/api/auth/session').set('X-Forwarded-Proto', 'https').send(TEST_ADMIN).expect(200);
      expect(attributesOf(sessionSetCookie(res)!)).toEqual(['httponly', 'max-age=7200', 'path=/', 'samesite=strict']);
      expect(res.body.idleTimeoutSeconds).toBe(900);
    } finally {
      await configured.close();
    }
  });
});

describe('browser sign-in limits', () => {
  it('are the sign-in limits: failures on either route count, and past the limit no cookie is set', async () => {
    const t = await createTestApp({ env: { GATEHOUSE_LOGIN_LIMIT_PER_ACCOUNT: '3', GATEHOUSE_LOGIN_LIMIT_PER_ADDRESS: '100' } });
    try {
      await t.http().post('/api/auth/login').send({ email: TEST_ADMIN.email, password: 'guess' }).expect(401);
      for (let i = 0; i < 2; i++) await t.http().post('/api/auth/session').send({ email: TEST_ADMIN.email, password: 'guess' }).expect(401);
      const blocked = await t.http().post('/api/auth/session').send(TEST_ADMIN);
      expect(blocked.status).toBe(429);
      expect(blocked.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(blocked.headers['retry-after']).toMatch(/^[1-9]\d*$/);
      expect(sessionSetCookie(blocked)).toBeUndefined();
      await t.http().post('/api/auth/login').send(TEST_ADMIN).expect(429);
    } finally {
      await t.close();
    }
  });
});
