import { createHmac, randomUUID } from 'node:crypto';
import { adminUser, bearer, createTestApp, givenUser, TEST_ADMIN, TEST_JWT_SECRET, TestApp, TestUser, withClient } from './support';

const PROBLEM_JSON = /^application\/problem\+json/;

/** Signs a JWT by hand with the service's own key, to try tokens the service would never issue. */
function signed(payload: object): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${unsigned}.${createHmac('sha256', TEST_JWT_SECRET).update(unsigned).digest('base64url')}`;
}

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { iat: number; exp: number; sub: string };
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));

describe('tokens and keys', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const signIn = async (user: { email: string; password: string }) =>
    (await t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(200)).body.accessToken as string;

  describe('a password change ends the tokens issued before it', () => {
    it('refuses the old token, which cannot change the password again; a new sign-in works', async () => {
      const user = await givenUser(t);
      const old = await signIn(user);
      await t.http().post('/api/me/password').set(bearer(old)).send({ currentPassword: user.password, newPassword: 'the-new-password-1' }).expect(204);

      const me = await t.http().get('/api/me').set(bearer(old));
      expect(me.status).toBe(401);
      expect(me.headers['content-type']).toMatch(PROBLEM_JSON);
      await t.http().post('/api/me/password').set(bearer(old)).send({ currentPassword: 'the-new-password-1', newPassword: 'the-attackers-password' }).expect(401);

      const fresh = await signIn({ email: user.email, password: 'the-new-password-1' });
      await t.http().get('/api/me').set(bearer(fresh)).expect(200);
    });

    it('refuses a token issued earlier in the same second as the change', async () => {
      const user = await givenUser(t);
      // Retried if the second turns between the sign-in and the change, which the test needs to share one second.
      for (let attempt = 0; ; attempt++) {
        await nextSecond();
        const token = await signIn(user);
        const [{ same_second }] = await t.dataSource.query(
          `WITH changed AS (UPDATE users SET password_changed_at = clock_timestamp() WHERE id = $1 RETURNING password_changed_at)
           SELECT date_trunc('second', password_changed_at) = to_timestamp($2) AS same_second FROM changed`,
          [user.id, claimsOf(token).iat],
        );
        if (!same_second && attempt < 5) continue;
        expect(same_second).toBe(true);
        await t.http().get('/api/me').set(bearer(token)).expect(401);
        break;
      }
    });

    it('keeps the tokens of other users', async () => {
      const [changer, bystander] = [await givenUser(t), await givenUser(t)];
      const bystanderToken = await signIn(bystander);
      await t.http().post('/api/me/password').set(bearer(changer.token)).send({ currentPassword: changer.password, newPassword: 'the-new-password-2' }).expect(204);
      await t.http().get('/api/me').set(bearer(bystanderToken)).expect(200);
    });
  });

  describe('access tokens must carry sub, iat and exp', () => {
    let userId: string;
    const now = () => Math.floor(Date.now() / 1000);
    const complete = () => {
      const ms = Date.now();
      return { sub: userId, iss: 'gatehouse', aud: 'gatehouse-api', iat: Math.floor(ms / 1000), iat_ms: ms, exp: Math.floor(ms / 1000) + 600 };
    };

    beforeAll(async () => {
      userId = (await givenUser(t)).id;
    });

    it('accepts a complete token', async () => {
      await t.http().get('/api/me').set(bearer(signed(complete()))).expect(200);
    });

    it.each(['exp', 'iat', 'sub', 'iat_ms'])('refuses a token without %s, even signed with the service key', async (claim) => {
      const { [claim as keyof ReturnType<typeof complete>]: _left, ...rest } = complete();
      const res = await t.http().get('/api/me').set(bearer(signed(rest)));
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    });

    it('refuses claims of the wrong type, or issue times that disagree', async () => {
      await t.http().get('/api/me').set(bearer(signed({ ...complete(), exp: String(now() + 600) }))).expect(401);
      await t.http().get('/api/me').set(bearer(signed({ ...complete(), iat: 'yesterday' }))).expect(401);
      await t.http().get('/api/me').set(bearer(signed({ ...complete(), sub: 'not-a-user-id' }))).expect(401);
      await t.http().get('/api/me').set(bearer(signed({ ...complete(), iat_ms: Date.now() + 5000 }))).expect(401);
    });
  });

  describe('responses carrying a secret are never cached', () => {
    const expectNoStore = (res: { headers: Record<string, string> }) => {
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['pragma']).toBe('no-cache');
    };

    it('sign-in', async () => {
      expectNoStore(await t.http().post('/api/auth/login').send(TEST_ADMIN).expect(200));
    });

    it('API key creation, for oneself and for a service account', async () => {
      const admin = await adminUser(t);
      expectNoStore(await t.http().post('/api/me/api-keys').set(bearer(admin.token)).send({ name: 'mine', roles: [] }).expect(201));
      const service = await t.http().post('/api/users').set(bearer(admin.token)).send({ email: `svc-${randomUUID()}@gatehouse.test`, displayName: 'Service', kind: 'service' }).expect(201);
      expectNoStore(await t.http().post(`/api/users/${service.body.id}/api-keys`).set(bearer(admin.token)).send({ name: 'deploy', roles: [] }).expect(201));
    });
  });

  describe('Idempotency-Key and secrets', () => {
    it('is ignored on sign-in, which has no caller to hold a key for: every sign-in gets its own token', async () => {
      const first = await t.http().post('/api/auth/login').set('Idempotency-Key', 'login-1').send(TEST_ADMIN);
      expect(first.status).toBe(200);
      const second = await t.http().post('/api/auth/login').set('Idempotency-Key', 'login-1').send(TEST_ADMIN).expect(200);
      expect(second.headers['idempotent-replayed']).toBeUndefined();
      await t.http().get('/api/me').set(bearer(second.body.accessToken)).expect(200);
      const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM idempotency_keys WHERE key = 'login-1'`);
      expect(count).toBe(0);
    });

    it('creates an API key once, never keeps its secret, and answers a retry with 409 naming the key created', async () => {
      const user = await givenUser(t);
      const create = () => t.http().post('/api/me/api-keys').set(bearer(user.token)).set('Idempotency-Key', 'key-once').send({ name: 'ci', roles: [] });
      const first = await create().expect(201);
      const secret = first.body.token.split('_').slice(2).join('_');

      const stored = JSON.stringify(await t.dataSource.query('SELECT * FROM idempotency_keys'));
      expect(stored).not.toContain(secret);

      const retry = await create();
      expect(retry.status).toBe(409);
      expect(retry.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(retry.body.type).toBe('urn:gatehouse:problem:idempotency-key-spent');
      expect(retry.body.detail).toContain(first.body.id);
      expect(JSON.stringify(retry.body)).not.toContain(secret);
      expect(retry.headers['cache-control']).toBe('no-store');

      const keys = await t.http().get('/api/me/api-keys').set(bearer(user.token)).expect(200);
      expect(keys.body.map((key: { id: string }) => key.id)).toEqual([first.body.id]);
    });
  });

  describe('idempotency keys do not outlive their use', () => {
    let admin: TestUser;
    const createTeam = (key: string, name = `team-${randomUUID()}`) =>
      t.http().post('/api/teams').set(bearer(admin.token)).set('Idempotency-Key', key).send({ name });
    const insertKey = (key: string, columns: string, values: string) =>
      t.dataSource.query(`INSERT INTO idempotency_keys (principal_id, key, request_hash, ${columns}) VALUES ($1, $2, repeat('0', 64), ${values})`, [admin.id, key]);

    beforeAll(async () => {
      admin = await adminUser(t);
    });

    it('a key left in progress by a request that died (kill -9) is taken over once its lease has run out', async () => {
      await insertKey('abandoned', 'created_at', `now() - interval '2 minutes'`);
      const res = await createTeam('abandoned');
      expect(res.status).toBe(201);
      const replay = await t.http().post('/api/teams').set(bearer(admin.token)).set('Idempotency-Key', 'abandoned').send({ name: res.body.name });
      expect(replay.status).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body.id).toBe(res.body.id);
    });

    it('a key whose request is still running answers 409', async () => {
      const name = `team-${randomUUID()}`;
      await createTeam('running', name).expect(201);
      // As the row stands while its request runs: claimed, leased, no response yet.
      await t.dataSource.query(`UPDATE idempotency_keys SET status_code = NULL, response = NULL, lease_until = now() + interval '1 minute' WHERE key = 'running'`);
      const res = await createTeam('running', name);
      expect(res.status).toBe(409);
      expect(res.body.type).toBe('urn:gatehouse:problem:idempotency-key-in-progress');
    });

    it('a key that other requests keep claiming and releasing is given up after a few tries: 409, and nothing runs', async () => {
      // Every claim of this key loses and the row is gone again when read: the churn of competing requests, made constant.
      await withClient(t.database.url, async (owner) => {
        await owner.query(`CREATE FUNCTION lose_every_claim() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN CASE WHEN NEW.key = 'churning' THEN NULL ELSE NEW END; END $$`);
        await owner.query('CREATE TRIGGER lose_every_claim BEFORE INSERT ON idempotency_keys FOR EACH ROW EXECUTE FUNCTION lose_every_claim()');
      });
      try {
        const name = `team-${randomUUID()}`;
        const res = await createTeam('churning', name);
        expect(res.status).toBe(409);
        expect(res.body.type).toBe('urn:gatehouse:problem:idempotency-key-contended');
        expect(await t.dataSource.query('SELECT id FROM teams WHERE name = $1', [name])).toEqual([]);
      } finally {
        await withClient(t.database.url, (owner) => owner.query('DROP TRIGGER lose_every_claim ON idempotency_keys; DROP FUNCTION lose_every_claim()'));
      }
    });

    it('a stored response expires after 24 hours: the key is free again', async () => {
      await insertKey('yesterday', 'created_at, status_code, response', `now() - interval '25 hours', 201, '{"id":"old"}'`);
      const res = await createTeam('yesterday');
      expect(res.status).toBe(201);
      expect(res.headers['idempotent-replayed']).toBeUndefined();
      expect(res.body.id).not.toBe('old');
    });
  });
});

describe('sign-in limits', () => {
  let t: TestApp;
  let user: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ env: { GATEHOUSE_LOGIN_LIMIT_PER_ACCOUNT: '3', GATEHOUSE_LOGIN_LIMIT_PER_ADDRESS: '5', GATEHOUSE_LOGIN_LIMIT_WINDOW_SECONDS: '60' } });
    user = await givenUser(t);
  });
  afterAll(() => t.close());

  const attempt = (password: string, email = user.email) => t.http().post('/api/auth/login').send({ email, password });

  it('count only failed attempts, per account and per address', async () => {
    for (let i = 0; i < 8; i++) await attempt(user.password).expect(200);
    for (let i = 0; i < 3; i++) await attempt('wrong').expect(401);
    const blocked = await attempt(user.password);
    expect(blocked.status).toBe(429);

    // Two more failures on other accounts reach the address limit of 5.
    await attempt('wrong', 'someone@gatehouse.test').expect(401);
    await attempt('wrong', 'someone-else@gatehouse.test').expect(401);
    await attempt(TEST_ADMIN.password, TEST_ADMIN.email).expect(429);
  });

  it('answer 429 as problem+json with a standard Retry-After and a plain sentence', async () => {
    const blocked = await attempt(user.password);
    expect(blocked.status).toBe(429);
    expect(blocked.headers['content-type']).toMatch(PROBLEM_JSON);
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(blocked.body.detail).not.toMatch(/ThrottlerException/);
    expect(blocked.body.detail).toMatch(/^Too many failed sign-ins .* try again in \d+ seconds?\.$/);
  });

  it('let no more failures through than the limit, even in parallel', async () => {
    const other = await createTestApp({ env: { GATEHOUSE_LOGIN_LIMIT_PER_ACCOUNT: '3', GATEHOUSE_LOGIN_LIMIT_PER_ADDRESS: '100' } });
    try {
      const statuses = (await Promise.all(Array.from({ length: 10 }, () => other.http().post('/api/auth/login').send({ email: TEST_ADMIN.email, password: 'guess' })))).map(
        (res) => res.status,
      );
      expect(statuses.filter((status) => status === 401)).toHaveLength(3);
      expect(statuses.filter((status) => status === 429)).toHaveLength(7);
    } finally {
      await other.close();
    }
  });
});
