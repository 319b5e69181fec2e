import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { TeamsService } from '../apps/api/src/modules/identity/teams/teams.service';
import { asSetup, createTestApp, givenTeam, givenUser, TestApp, TestUser, useCaseBody } from './support';

const problem = (code: string) => `urn:gatehouse:problem:${code}`;

interface Session {
  cookie: { Cookie: string };
  csrf: { 'X-CSRF-Token': string };
}

/**
 * A hostile but signed-in person, and the pages of other sites that person's (or a
 * colleague's) browser opens: what the cookie session, the downloads and the static
 * serving let them do. docs/decisions/0012-browser-sessions.md says what should hold.
 */
describe('the web app under attack', () => {
  let t: TestApp;
  let teamId: string;
  let developer: TestUser;
  let colleague: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    teamId = (await givenTeam(t)).id;
    developer = await givenUser(t, { teams: [{ teamId, role: 'developer' }], name: 'dev' });
    colleague = await givenUser(t, { teams: [{ teamId, role: 'developer' }], name: 'colleague' });
  });
  afterAll(() => t.close());

  async function signIn(user: TestUser): Promise<Session> {
    const res = await t.http().post('/api/auth/session').send({ email: user.email, password: user.password }).expect(200);
    const line = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((l) => l.startsWith('gatehouse_session='))!;
    return { cookie: { Cookie: line.split(';')[0] }, csrf: { 'X-CSRF-Token': res.body.csrfToken } };
  }

  async function useCaseAs(session: Session): Promise<string> {
    const res = await t.http().post('/api/use-cases').set(session.cookie).set(session.csrf).send(useCaseBody(teamId));
    expect(res.status).toBe(201);
    return res.body.id;
  }

  const evidenceCount = async (useCaseId: string) => (await t.dataSource.query('SELECT count(*)::int AS n FROM evidence WHERE use_case_id = $1', [useCaseId]))[0].n as number;

  describe('CSRF', () => {
    it('refuses a multipart evidence upload (what a cross-site form can send) without the CSRF token, or with a colleague\'s, and stores nothing', async () => {
      const mine = await signIn(developer);
      const theirs = await signIn(colleague);
      const useCaseId = await useCaseAs(mine);
      const upload = () => t.http().post(`/api/use-cases/${useCaseId}/evidence`).set(mine.cookie).field('kind', 'other').field('title', 'forged').attach('file', Buffer.from('forged'), { filename: 'f.txt', contentType: 'text/plain' });

      const missing = await upload();
      expect({ status: missing.status, type: missing.body.type }).toEqual({ status: 403, type: problem('csrf-token-missing') });
      const foreign = await upload().set(theirs.csrf);
      expect({ status: foreign.status, type: foreign.body.type }).toEqual({ status: 403, type: problem('csrf-token-invalid') });
      expect(await evidenceCount(useCaseId)).toBe(0);

      const links = await t.http().post(`/api/use-cases/${useCaseId}/evidence/links`).set(mine.cookie).send({ kind: 'other', title: 'forged', url: 'https://example.com/' });
      expect(links.status).toBe(403);
      expect(await evidenceCount(useCaseId)).toBe(0);
    });

    it('does not replay an Idempotency-Key\'s stored answer to a request without the CSRF token', async () => {
      const mine = await signIn(developer);
      const key = `k-${randomBytes(6).toString('hex')}`;
      const body = useCaseBody(teamId, teamId, { title: `idempotent ${key}` });
      const first = await t.http().post('/api/use-cases').set(mine.cookie).set(mine.csrf).set('Idempotency-Key', key).send(body);
      expect(first.status).toBe(201);

      const forged = await t.http().post('/api/use-cases').set(mine.cookie).set('Idempotency-Key', key).send(body);
      expect({ status: forged.status, type: forged.body.type, replayed: forged.headers['idempotent-replayed'] }).toEqual({ status: 403, type: problem('csrf-token-missing'), replayed: undefined });
      expect(JSON.stringify(forged.body)).not.toContain(first.body.id);

      const replay = await t.http().post('/api/use-cases').set(mine.cookie).set(mine.csrf).set('Idempotency-Key', key).send(body);
      expect({ status: replay.status, id: replay.body.id, replayed: replay.headers['idempotent-replayed'] }).toEqual({ status: 201, id: first.body.id, replayed: 'true' });
    });

    it('asks every writing method for the token: PATCH, PUT and DELETE as well as POST', async () => {
      const mine = await signIn(developer);
      const useCaseId = await useCaseAs(mine);
      const admin = await givenUser(t, { roles: ['admin'], name: 'admin' });
      const adminSession = await signIn(admin);
      const attempts: [string, Response][] = [
        ['PATCH use case', await t.http().patch(`/api/use-cases/${useCaseId}`).set(mine.cookie).send({ title: 'forged' })],
        ['PUT role', await t.http().put(`/api/users/${developer.id}/roles/admin`).set(adminSession.cookie)],
        ['DELETE membership', await t.http().delete(`/api/teams/${teamId}/members/${colleague.id}/developer`).set(adminSession.cookie)],
        ['DELETE session', await t.http().delete('/api/auth/session').set(mine.cookie)],
      ];
      expect(attempts.map(([name, res]) => [name, res.status, res.body.type])).toEqual(attempts.map(([name]) => [name, 403, problem('csrf-token-missing')]));
      const me = await t.http().get('/api/me').set(mine.cookie).expect(200);
      expect(me.body.effectiveRoles).not.toContain('admin');
    });

    it('lets HEAD and OPTIONS change nothing: they reach no writing handler', async () => {
      const mine = await signIn(developer);
      const useCaseId = await useCaseAs(mine);
      const head = await t.http().head(`/api/use-cases/${useCaseId}/evidence`).set(mine.cookie);
      expect(head.status).toBe(200);
      const options = await t.http().options(`/api/use-cases/${useCaseId}/evidence`).set(mine.cookie);
      expect(options.status).not.toBe(201);
      expect(options.headers['access-control-allow-origin']).toBeUndefined();
      expect(await evidenceCount(useCaseId)).toBe(0);
    });

    it('uses the first gatehouse_session cookie only: a second one planted beside it brings its own CSRF token no power', async () => {
      const mine = await signIn(developer);
      const theirs = await signIn(colleague);
      const res = await t.http().post('/api/use-cases').set('Cookie', `${mine.cookie.Cookie}; ${theirs.cookie.Cookie}`).set(theirs.csrf).send(useCaseBody(teamId));
      expect({ status: res.status, type: res.body.type }).toEqual({ status: 403, type: problem('csrf-token-invalid') });
    });
  });

  describe('links shown as anchors', () => {
    it.each([
      'javascript:alert(document.domain)',
      'JavaScript:alert(1)//https://example.com/',
      ' javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'https:javascript:alert(1)',
      'java\tscript:alert(1)',
      '//evil.example/',
    ])('refuses %j as link evidence', async (url) => {
      const mine = await signIn(developer);
      const useCaseId = await useCaseAs(mine);
      const res = await t.http().post(`/api/use-cases/${useCaseId}/evidence/links`).set(mine.cookie).set(mine.csrf).send({ kind: 'other', title: 'a link', url });
      expect(res.status).toBe(422);
    });
  });

  describe('downloads of uploaded files', () => {
    it.each([
      ['page.html', 'text/html', '<script>alert(document.cookie)</script>'],
      ['image.svg', 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'],
      ['script.js', 'text/javascript', 'alert(1)'],
    ])('serves %s (%s) so no browser runs it on the app\'s origin', async (filename, contentType, content) => {
      const mine = await signIn(developer);
      const useCaseId = await useCaseAs(mine);
      const uploaded = await t.http().post(`/api/use-cases/${useCaseId}/evidence`).set(mine.cookie).set(mine.csrf).field('kind', 'other').field('title', filename).attach('file', Buffer.from(content), { filename, contentType });
      expect(uploaded.status).toBe(201);
      const res = await t.http().get(`/api/use-cases/${useCaseId}/evidence/${uploaded.body.id}/content`).set(mine.cookie).buffer(true).parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-disposition']).toMatch(/^attachment;/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      // A page opened from it (a browser or viewer that ignores "attachment") is sandboxed: no script, an opaque origin.
      const csp = res.headers['content-security-policy'] as string;
      expect(csp.split(/;\s*/)).toEqual(expect.arrayContaining(["default-src 'none'", 'sandbox']));
      expect(res.body.toString()).toBe(content);
    });
  });

  describe('file names that pretend', () => {
    it('keeps a file name as a browser sends it (UTF-8 in filename="…")', async () => {
      const mine = await signIn(developer);
      const useCaseId = await useCaseAs(mine);
      const res = await t.http().post(`/api/use-cases/${useCaseId}/evidence`).set(mine.cookie).set(mine.csrf).field('kind', 'other').field('title', 'Prüfbericht').attach('file', Buffer.from('%PDF'), { filename: 'Prüfbericht 日本.pdf', contentType: 'application/pdf' });
      expect(res.status).toBe(201);
      expect(res.body.fileName).toBe('Prüfbericht 日本.pdf');
    });

    it.each([
      ['right-to-left override', 'model-card\u202Efdp.exe'],
      ['right-to-left isolate', 'model-card\u2067fdp.exe\u2069'],
      ['right-to-left embedding', 'notes\u202Bfdp.js'],
    ])('refuses a file name with a %s, which would show a reviewer another extension', async (_name, filename) => {
      const mine = await signIn(developer);
      const useCaseId = await useCaseAs(mine);
      const res = await t.http().post(`/api/use-cases/${useCaseId}/evidence`).set(mine.cookie).set(mine.csrf).field('kind', 'model_card').field('title', 'Model card').attach('file', Buffer.from('MZ'), { filename, contentType: 'application/pdf' });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'file' })]);
      expect(await evidenceCount(useCaseId)).toBe(0);
    });
  });

  describe('static serving', () => {
    const page = { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

    it.each(['/assets/../../package.json', '/assets/%2e%2e/%2e%2e/package.json', '/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json', '/.env', '/.git/config', '/assets/.vite/manifest.json', '/../tsconfig.json'])(
      'serves no file from outside the build for %s',
      async (path) => {
        for (const headers of [page, {}]) {
          const res = await t.http().get(path).set(headers);
          expect(res.text ?? '').not.toMatch(/"dependencies"|"compilerOptions"|\[core\]|DATABASE_URL/);
          expect(res.status === 404 || res.status === 400 || res.status === 403 || (res.status === 200 && /<div id="root">/.test(res.text))).toBe(true);
        }
      },
    );

    it('never redirects: no Location to follow off the site from a directory or a doubled slash', async () => {
      for (const path of ['/assets', '/assets/', '//evil.example/', '//evil.example/%2e%2e', '/\\evil.example/', '/assets//evil.example']) {
        const res = await t.http().get(path).set(page);
        expect({ path, status: res.status, location: res.headers.location }).toEqual({ path, status: expect.any(Number), location: undefined });
        expect(res.status === 404 || res.status === 200).toBe(true);
      }
    });

    it('lets no other origin read an answer: no CORS headers, even for a cookie session', async () => {
      const mine = await signIn(developer);
      for (const res of [
        await t.http().get('/api/me').set(mine.cookie).set('Origin', 'https://evil.example'),
        await t.http().options('/api/use-cases').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', 'content-type,x-csrf-token'),
      ]) {
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
        expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      }
    });

    it('answers /API/… and /Api/… lookalikes as the API (no page), whatever the case', async () => {
      for (const path of ['/API/use-cases', '/Api/me', '/HEALTH/live']) {
        const res = await t.http().get(path).set(page);
        expect(res.text ?? '').not.toMatch(/<div id="root">/);
      }
    });

    it('answers a huge Accept header at once', async () => {
      const started = Date.now();
      const res = await t.http().get('/use-cases').set('Accept', `${','.repeat(2000)}${' '.repeat(12_000)}x`);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(res.status).toBeLessThan(500);
    });

    it("frames the app's page only on its own origin and limits where its scripts come from", async () => {
      const res = await t.http().get('/use-cases').set(page).expect(200);
      expect(res.text).toMatch(/<div id="root">/);
      const csp = (res.headers['content-security-policy'] as string).split(/;\s*/);
      expect(csp).toEqual(expect.arrayContaining(["frame-ancestors 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'self'"]));
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    });
  });

  describe('sessions', () => {
    it('leaves nothing a person read in the browser\'s cache for the next one at the computer: API answers and downloads are no-store', async () => {
      const mine = await signIn(developer);
      const useCaseId = await useCaseAs(mine);
      const uploaded = await t.http().post(`/api/use-cases/${useCaseId}/evidence`).set(mine.cookie).set(mine.csrf).field('kind', 'other').field('title', 'confidential').attach('file', Buffer.from('confidential'), { filename: 'c.txt', contentType: 'text/plain' });
      expect(uploaded.status).toBe(201);
      for (const path of ['/api/me', `/api/use-cases/${useCaseId}`, `/api/use-cases/${useCaseId}/evidence`, `/api/use-cases/${useCaseId}/evidence/${uploaded.body.id}/content`, '/api/use-cases']) {
        const res = await t.http().get(path).set(mine.cookie);
        expect({ path, status: res.status, cacheControl: res.headers['cache-control'] }).toEqual({ path, status: 200, cacheControl: 'no-store' });
      }
    });

    it('never caches the session, which carries its CSRF token', async () => {
      const mine = await signIn(developer);
      const res = await t.http().get('/api/auth/session').set(mine.cookie).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('a second sign-in in the same browser leaves the first session usable only by whoever holds its cookie, and signs in the second person', async () => {
      const first = await signIn(developer);
      const second = await signIn(colleague);
      const me = await t.http().get('/api/me').set(second.cookie).expect(200);
      expect(me.body.id).toBe(colleague.id);
      await t.http().get('/api/me').set(first.cookie).expect(200);
    });

    it('takes about as long to refuse an unknown email as a wrong password (no list of accounts by timing)', async () => {
      const median = async (email: string) => {
        const times: number[] = [];
        for (let i = 0; i < 5; i++) {
          const started = process.hrtime.bigint();
          await t.http().post('/api/auth/session').send({ email, password: 'not the password' }).expect(401);
          times.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
        return times.sort((a, b) => a - b)[2];
      };
      const wrongPassword = await median(developer.email);
      const unknownEmail = await median(`nobody-${randomBytes(4).toString('hex')}@gatehouse.test`);
      // Both verify an argon2 hash (a decoy for the unknown email); without the decoy the unknown email is many times faster.
      expect(unknownEmail).toBeGreaterThan(wrongPassword / 3);
    });

    it('cannot be fixed in advance: a sign-in sent with someone\'s cookie (valid, ended or made up) gets a new token of its own', async () => {
      const planted = await signIn(colleague);
      const ended = await signIn(colleague);
      await t.http().delete('/api/auth/session').set(ended.cookie).set(ended.csrf).expect(204);
      for (const cookie of [planted.cookie, ended.cookie, { Cookie: `gatehouse_session=${randomBytes(32).toString('base64url')}` }]) {
        const res = await t.http().post('/api/auth/session').set(cookie).send({ email: developer.email, password: developer.password }).expect(200);
        const line = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((l) => l.startsWith('gatehouse_session='))!;
        expect(line.split(';')[0]).not.toBe(cookie.Cookie);
        expect((await t.http().get('/api/me').set('Cookie', line.split(';')[0]).expect(200)).body.id).toBe(developer.id);
      }
      // The planted session is still the colleague's, and only theirs.
      expect((await t.http().get('/api/me').set(planted.cookie).expect(200)).body.id).toBe(colleague.id);
    });

    it('loses a team\'s use cases on the next request once its user leaves the team', async () => {
      const leaver = await givenUser(t, { teams: [{ teamId, role: 'developer' }], name: 'leaver' });
      const session = await signIn(leaver);
      const useCaseId = await useCaseAs(session);
      await asSetup(t, () => t.app.get(TeamsService).removeMember(teamId, leaver.id, 'developer'));
      const write = await t.http().patch(`/api/use-cases/${useCaseId}`).set(session.cookie).set(session.csrf).send({ title: 'after leaving' });
      expect([403, 404]).toContain(write.status);
      const read = await t.http().get(`/api/use-cases/${useCaseId}`).set(session.cookie);
      expect([403, 404]).toContain(read.status);
    });
  });
});

describe('sign-in behind a trusted proxy', () => {
  it('counts failures per client address as the proxy saw it: an X-Forwarded-For made up by the client does not reset the count', async () => {
    const t = await createTestApp({ env: { GATEHOUSE_TRUST_PROXY: 'true', GATEHOUSE_LOGIN_LIMIT_PER_ADDRESS: '3', GATEHOUSE_LOGIN_LIMIT_PER_ACCOUNT: '1000' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        // The client sends its own X-Forwarded-For; the proxy appends the address it really came from.
        const res = await t.http().post('/api/auth/session').set('X-Forwarded-For', `10.9.${i}.${i}, 203.0.113.9`).send({ email: `spray-${i}@gatehouse.test`, password: 'guess' });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      const addresses = await t.dataSource.query(`SELECT DISTINCT source_ip FROM audit_events WHERE action = 'auth.login_failed'`);
      expect(addresses.map((row: { source_ip: string }) => row.source_ip)).toEqual(['203.0.113.9']);
    } finally {
      await t.close();
    }
  });
});
