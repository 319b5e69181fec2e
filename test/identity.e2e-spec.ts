import { createHmac } from 'node:crypto';
import { PrincipalLoader } from '../apps/api/src/modules/identity/auth/principal.loader';
import { UsersService } from '../apps/api/src/modules/identity/users/users.service';
import { adminUser, asPrincipal, bearer, createTestApp, givenApiKey, givenTeam, givenUser, TEST_ADMIN, TEST_JWT_SECRET, TestApp, tokenFor } from './support';

const PROBLEM_JSON = /^application\/problem\+json/;
const problem = (code: string) => `urn:gatehouse:problem:${code}`;

/**
 * Sends `request` while another transaction holds an uncommitted insert made with `insertSql`, waits until
 * the request's own insert is blocked behind it, then commits: the request's check saw nothing, and its
 * insert meets the unique index.
 */
async function racingInsert<T>(t: TestApp, insertSql: string, blockedInsertInto: string, request: () => PromiseLike<T>): Promise<T> {
  const runner = t.dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    await runner.query(insertSql);
    const pending = Promise.resolve(request());
    for (let waited = 0; ; waited += 20) {
      const [{ blocked }] = await t.dataSource.query(
        `SELECT count(*)::int AS blocked FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
        [`INSERT INTO "${blockedInsertInto}"%`],
      );
      if (blocked > 0) break;
      if (waited > 10_000) throw new Error(`the request's insert into ${blockedInsertInto} never waited on the held one`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await runner.commitTransaction();
    return await pending;
  } finally {
    await runner.release();
  }
}

/** Signs a JWT by hand, to forge the tokens an attacker would try. */
function forgeToken(header: object, payload: object, secret: string | null): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode(header)}.${encode(payload)}`;
  const signature = secret === null ? '' : createHmac('sha256', secret).update(unsigned).digest('base64url');
  return `${unsigned}.${signature}`;
}

describe('identity and access', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe('sign-in', () => {
    it('exchanges the first admin\'s email and password for a short-lived token that works', async () => {
      const res = await t.http().post('/api/auth/login').send(TEST_ADMIN).expect(200);
      expect(res.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900 });
      const me = await t.http().get('/api/me').set(bearer(res.body.accessToken)).expect(200);
      expect(me.body).toMatchObject({ email: TEST_ADMIN.email, roles: ['admin'], via: 'user' });
      expect(me.body).not.toHaveProperty('passwordHash');
    });

    it('answers a wrong password and an unknown email alike, and records both', async () => {
      const wrong = await t.http().post('/api/auth/login').send({ email: TEST_ADMIN.email, password: 'not-the-password' });
      const unknown = await t.http().post('/api/auth/login').send({ email: 'nobody@gatehouse.test', password: 'whatever' });
      for (const res of [wrong, unknown]) {
        expect(res.status).toBe(401);
        expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      }
      expect(wrong.body.detail).toBe(unknown.body.detail);
      const failures = await t.dataSource.query(`SELECT payload FROM audit_events WHERE action = 'auth.login_failed' ORDER BY seq`);
      expect(failures.map((row: { payload: { reason: string } }) => row.payload.reason)).toEqual(expect.arrayContaining(['wrong_password', 'unknown_email']));
      expect(JSON.stringify(failures)).not.toContain('not-the-password');
    });

    it('refuses a login body with missing or unknown fields field by field', async () => {
      const res = await t.http().post('/api/auth/login').send({ email: 'not-an-email', isAdmin: true });
      expect(res.status).toBe(422);
      expect(new Set(res.body.errors.map((e: { field: string }) => e.field))).toEqual(new Set(['email', 'isAdmin', 'password']));
    });

    it('stores argon2id hashes, never the password', async () => {
      const user = await givenUser(t);
      const [row] = await t.dataSource.query('SELECT password_hash FROM users WHERE id = $1', [user.id]);
      expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(row.password_hash).not.toContain(user.password);
      await t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(200);
    });
  });

  describe('access tokens', () => {
    let userId: string;
    const claims = () => {
      const ms = Date.now();
      return { sub: userId, iss: 'gatehouse', aud: 'gatehouse-api', iat: Math.floor(ms / 1000), iat_ms: ms, exp: Math.floor(ms / 1000) + 600 };
    };

    beforeAll(async () => {
      userId = (await givenUser(t)).id;
    });

    it('accepts a token signed with the service key', async () => {
      await t.http().get('/api/me').set(bearer(forgeToken({ alg: 'HS256', typ: 'JWT' }, claims(), TEST_JWT_SECRET))).expect(200);
    });

    it.each([
      ['signed with another key', () => forgeToken({ alg: 'HS256', typ: 'JWT' }, claims(), 'another-secret-0123456789abcdef0123456789')],
      ['with alg none', () => forgeToken({ alg: 'none', typ: 'JWT' }, claims(), null)],
      ['expired', () => forgeToken({ alg: 'HS256', typ: 'JWT' }, { ...claims(), exp: Math.floor(Date.now() / 1000) - 10 }, TEST_JWT_SECRET)],
      ['from another issuer', () => forgeToken({ alg: 'HS256', typ: 'JWT' }, { ...claims(), iss: 'elsewhere' }, TEST_JWT_SECRET)],
      ['for another audience', () => forgeToken({ alg: 'HS256', typ: 'JWT' }, { ...claims(), aud: 'other-api' }, TEST_JWT_SECRET)],
      ['tampered after signing', () => {
        const [header, , signature] = forgeToken({ alg: 'HS256', typ: 'JWT' }, claims(), TEST_JWT_SECRET).split('.');
        const forgedPayload = Buffer.from(JSON.stringify({ ...claims(), sub: 'someone-else' })).toString('base64url');
        return `${header}.${forgedPayload}.${signature}`;
      }],
    ])('refuses a token %s', async (_name, token) => {
      const res = await t.http().get('/api/me').set(bearer(token()));
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    });
  });

  describe('deactivation and revocation take effect on the next request', () => {
    it('refuses a deactivated user\'s token and API keys', async () => {
      const admin = await adminUser(t);
      const user = await givenUser(t, { roles: ['legal'] });
      const key = await givenApiKey(t, user, ['legal']);
      await t.http().get('/api/me').set(bearer(user.token)).expect(200);
      await t.http().get('/api/me').set('X-API-Key', key.token).expect(200);

      await t.http().post(`/api/users/${user.id}/deactivate`).set(bearer(admin.token)).expect(200);
      await t.http().get('/api/me').set(bearer(user.token)).expect(401);
      await t.http().get('/api/me').set('X-API-Key', key.token).expect(401);
      await t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(401);
    });

    it('refuses a revoked key, and records when a key was last used', async () => {
      const user = await givenUser(t);
      const key = await givenApiKey(t, user);
      await t.http().get('/api/me').set(bearer(key.token)).expect(200);
      const [used] = await t.dataSource.query('SELECT last_used_at FROM api_keys WHERE id = $1', [key.id]);
      expect(used.last_used_at).toBeInstanceOf(Date);

      await t.http().delete(`/api/me/api-keys/${key.id}`).set(bearer(user.token)).expect(200);
      await t.http().get('/api/me').set(bearer(key.token)).expect(401);
    });

    it('narrows a key to the roles its owner still holds', async () => {
      const admin = await adminUser(t);
      const officer = await givenUser(t, { roles: ['compliance_officer'] });
      const key = await givenApiKey(t, officer, ['compliance_officer']);
      await t.http().get('/api/audit/verify').set(bearer(key.token)).expect(200);
      await t.http().delete(`/api/users/${officer.id}/roles/compliance_officer`).set(bearer(admin.token)).expect(200);
      await t.http().get('/api/audit/verify').set(bearer(key.token)).expect(403);
    });
  });

  describe('API keys', () => {
    it('are shown once and stored only as a hash', async () => {
      const user = await givenUser(t, { roles: ['assessor'] });
      const res = await t.http().post('/api/me/api-keys').set(bearer(user.token)).send({ name: 'ci', roles: ['assessor'] }).expect(201);
      expect(res.body.token).toMatch(/^ghk_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
      const secret = res.body.token.split('_').slice(2).join('_');
      const [row] = await t.dataSource.query('SELECT * FROM api_keys WHERE id = $1', [res.body.id]);
      expect(JSON.stringify(row)).not.toContain(secret);
      const listed = await t.http().get('/api/me/api-keys').set(bearer(user.token)).expect(200);
      expect(JSON.stringify(listed.body)).not.toContain(secret);
    });

    it('cannot carry a role the owner does not hold', async () => {
      const user = await givenUser(t, { roles: ['legal'] });
      const res = await t.http().post('/api/me/api-keys').set(bearer(user.token)).send({ name: 'escalate', roles: ['admin'] });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([{ field: 'roles', detail: "the key's owner does not hold: admin" }]);
    });

    it('cannot mint further keys or change a password', async () => {
      const admin = await adminUser(t);
      const key = await givenApiKey(t, admin, ['admin']);
      const mint = await t.http().post('/api/me/api-keys').set(bearer(key.token)).send({ name: 'child', roles: [] });
      expect({ status: mint.status, type: mint.body.type }).toEqual({ status: 403, type: problem('api-key-cannot-create-keys') });
      const password = await t.http().post('/api/me/password').set(bearer(key.token)).send({ currentPassword: TEST_ADMIN.password, newPassword: 'a-brand-new-password' });
      expect({ status: password.status, type: password.body.type }).toEqual({ status: 403, type: problem('api-key-cannot-change-password') });
      await t.http().post('/api/auth/login').send(TEST_ADMIN).expect(200);
    });

    it('are created by an admin for service accounts, not for people', async () => {
      const admin = await adminUser(t);
      const person = await givenUser(t);
      const service = await t.http().post('/api/users').set(bearer(admin.token)).send({ email: 'pipeline@gatehouse.test', displayName: 'Release pipeline', kind: 'service' }).expect(201);
      await t.http().post(`/api/users/${service.body.id}/api-keys`).set(bearer(admin.token)).send({ name: 'deploy', roles: [] }).expect(201);
      const theirs = await t.http().post(`/api/users/${person.id}/api-keys`).set(bearer(admin.token)).send({ name: 'theirs', roles: [] });
      expect({ status: theirs.status, type: theirs.body.type }).toEqual({ status: 403, type: problem('key-for-another-person') });
      expect((await t.http().get(`/api/users/${person.id}/api-keys`).set(bearer(admin.token)).expect(200)).body).toEqual([]);
    });

    it('are not given to a deactivated service account', async () => {
      const admin = await adminUser(t);
      const service = await t.http().post('/api/users').set(bearer(admin.token)).send({ email: 'retired-pipeline@gatehouse.test', displayName: 'Retired pipeline', kind: 'service' }).expect(201);
      await t.http().post(`/api/users/${service.body.id}/deactivate`).set(bearer(admin.token)).expect(200);
      const res = await t.http().post(`/api/users/${service.body.id}/api-keys`).set(bearer(admin.token)).send({ name: 'late', roles: [] });
      expect({ status: res.status, type: res.body.type }).toEqual({ status: 403, type: problem('key-owner-deactivated') });
      expect((await t.http().get(`/api/users/${service.body.id}/api-keys`).set(bearer(admin.token)).expect(200)).body).toEqual([]);
    });
  });

  describe('mass assignment has no effect', () => {
    it('refuses roles or admin flags in self-service bodies, and changes nothing', async () => {
      const user = await givenUser(t);
      const password = await t.http().post('/api/me/password').set(bearer(user.token)).send({ currentPassword: user.password, newPassword: 'new-password-123', roles: ['admin'] });
      expect(password.status).toBe(422);
      expect(password.body.errors).toEqual([{ field: 'roles', detail: 'roles is not an accepted field' }]);
      const key = await t.http().post('/api/me/api-keys').set(bearer(user.token)).send({ name: 'k', roles: [], isAdmin: true, userId: 'someone' });
      expect(key.status).toBe(422);
      const me = await t.http().get('/api/me').set(bearer(user.token)).expect(200);
      expect(me.body.roles).toEqual([]);
      await t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(200);
    });
  });

  describe('administration', () => {
    it('changes a password only with the current one, and records it without secrets', async () => {
      const user = await givenUser(t);
      await t.http().post('/api/me/password').set(bearer(user.token)).send({ currentPassword: 'wrong-current', newPassword: 'new-password-123' }).expect(422);
      await t.http().post('/api/me/password').set(bearer(user.token)).send({ currentPassword: user.password, newPassword: 'new-password-123' }).expect(204);
      await t.http().post('/api/auth/login').send({ email: user.email, password: 'new-password-123' }).expect(200);
      await t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(401);
    });

    it('will not remove the last administrator or let an admin deactivate themselves', async () => {
      const admin = await adminUser(t);
      const self = await t.http().post(`/api/users/${admin.id}/deactivate`).set(bearer(admin.token));
      expect({ status: self.status, type: self.body.type }).toEqual({ status: 409, type: problem('self-deactivation') });
      const last = await t.http().delete(`/api/users/${admin.id}/roles/admin`).set(bearer(admin.token));
      expect({ status: last.status, type: last.body.type }).toEqual({ status: 409, type: problem('last-admin') });
      const me = await t.http().get('/api/me').set(bearer(admin.token)).expect(200);
      expect(me.body).toMatchObject({ active: true, roles: ['admin'] });
    });

    it('will not deactivate the last active administrator either', async () => {
      const admin = await adminUser(t);
      // Only an administrator reaches this through the API, and then the target is not the last one: the rule is the service's.
      const bystander = (await t.app.get(PrincipalLoader).forUser((await givenUser(t)).id))!;
      await expect(asPrincipal(t, bystander, () => t.app.get(UsersService).deactivate(bystander, admin.id))).rejects.toMatchObject({ status: 409, code: 'last-admin' });
      await t.http().get('/api/me').set(bearer(admin.token)).expect(200);
    });

    it('refuses a second user with the same email, whatever its case, also when both arrive at once', async () => {
      const admin = await adminUser(t);
      const create = (email: string) =>
        t.http().post('/api/users').set(bearer(admin.token)).send({ email, displayName: 'Twin', kind: 'person', password: 'twin-password-123' });
      await create('twin@gatehouse.test').expect(201);
      const again = await create('TWIN@gatehouse.test');
      expect({ status: again.status, type: again.body.type }).toEqual({ status: 409, type: problem('email-taken') });

      const raced = await racingInsert(t, `INSERT INTO users (email, display_name, kind) VALUES ('racing-twin@gatehouse.test', 'First', 'service')`, 'users', () =>
        create('Racing-Twin@gatehouse.test'),
      );
      expect({ status: raced.status, type: raced.body.type }).toEqual({ status: 409, type: problem('email-taken') });
    });

    it('manages teams and memberships', async () => {
      const admin = await adminUser(t);
      const dev = await givenUser(t);
      const team = await t.http().post('/api/teams').set(bearer(admin.token)).send({ name: 'Fraud models' }).expect(201);
      const taken = await t.http().post('/api/teams').set(bearer(admin.token)).send({ name: 'fraud MODELS' });
      expect({ status: taken.status, type: taken.body.type }).toEqual({ status: 409, type: problem('team-name-taken') });
      await t.http().put(`/api/teams/${team.body.id}/members/${dev.id}/developer`).set(bearer(admin.token)).expect(200);
      const me = await t.http().get('/api/me').set(bearer(dev.token)).expect(200);
      expect(me.body.teams).toEqual([{ teamId: team.body.id, role: 'developer' }]);
      await t.http().put(`/api/teams/${team.body.id}/members/${dev.id}/tester`).set(bearer(admin.token)).expect(422);
    });

    it('refuses a team name taken by a team created at the same moment', async () => {
      const admin = await adminUser(t);
      const raced = await racingInsert(t, `INSERT INTO teams (name) VALUES ('Racing team')`, 'teams', () =>
        t.http().post('/api/teams').set(bearer(admin.token)).send({ name: 'RACING TEAM' }),
      );
      expect({ status: raced.status, type: raced.body.type }).toEqual({ status: 409, type: problem('team-name-taken') });
    });

    it('records every identity change in the trail, with no secret in it', async () => {
      const admin = await adminUser(t);
      const user = await givenUser(t);
      const key = await givenApiKey(t, user);
      await t.http().put(`/api/users/${user.id}/roles/assessor`).set(bearer(admin.token)).expect(200);
      await t.http().delete(`/api/users/${user.id}/roles/assessor`).set(bearer(admin.token)).expect(200);
      await t.http().delete(`/api/api-keys/${key.id}`).set(bearer(admin.token)).expect(200);
      const rows: { action: string; payload: unknown; actor_id: string }[] = await t.dataSource.query(
        `SELECT action, payload, actor_id FROM audit_events WHERE target_id IN ($1, $2) ORDER BY seq`,
        [user.id, key.id],
      );
      expect(rows.map((row) => row.action)).toEqual(['user.created', 'api_key.created', 'user.role_granted', 'user.role_revoked', 'api_key.revoked']);
      expect(rows.slice(2).every((row) => row.actor_id === admin.id)).toBe(true);
      const everything = JSON.stringify(await t.dataSource.query('SELECT * FROM audit_events'));
      expect(everything).not.toContain(key.token.split('_')[2]);
      expect(everything).not.toContain(user.password);
      expect(everything).not.toContain(TEST_ADMIN.password);
      expect(everything).not.toContain('$argon2');
    });
  });

  it('a role granted through the API is effective on the next request of the same token', async () => {
    const admin = await adminUser(t);
    const user = await givenUser(t);
    const token = tokenFor(t, user.id);
    await t.http().get('/api/users').set(bearer(token)).expect(403);
    await t.http().put(`/api/users/${user.id}/roles/compliance_officer`).set(bearer(admin.token)).expect(200);
    await t.http().get('/api/users').set(bearer(token)).expect(200);
    expect((await givenTeam(t)).members).toEqual([]);
  });
});

describe('login rate limits', () => {
  it('engage per account, even for the right password', async () => {
    const t = await createTestApp({ env: { GATEHOUSE_LOGIN_LIMIT_PER_ACCOUNT: '3', GATEHOUSE_LOGIN_LIMIT_PER_ADDRESS: '100' } });
    try {
      for (let i = 0; i < 3; i++) await t.http().post('/api/auth/login').send({ email: TEST_ADMIN.email, password: 'guess' }).expect(401);
      const blocked = await t.http().post('/api/auth/login').send(TEST_ADMIN);
      expect(blocked.status).toBe(429);
      expect(blocked.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(blocked.headers['retry-after']).toMatch(/^[1-9]\d*$/);
      // Another account from the same address is not blocked.
      await t.http().post('/api/auth/login').send({ email: 'other@gatehouse.test', password: 'guess' }).expect(401);
    } finally {
      await t.close();
    }
  });

  it('engage per address, whatever the accounts tried', async () => {
    const t = await createTestApp({ env: { GATEHOUSE_LOGIN_LIMIT_PER_ACCOUNT: '100', GATEHOUSE_LOGIN_LIMIT_PER_ADDRESS: '4' } });
    try {
      for (let i = 0; i < 4; i++) await t.http().post('/api/auth/login').send({ email: `spray${i}@gatehouse.test`, password: 'guess' }).expect(401);
      await t.http().post('/api/auth/login').send({ email: 'spray-last@gatehouse.test', password: 'guess' }).expect(429);
    } finally {
      await t.close();
    }
  });
});
