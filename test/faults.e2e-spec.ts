import { AuditReader } from '@app/audit';
import { adminUser, bearer, createTestApp, createTestDatabase, TestApp, TestDatabase, TEST_ADMIN } from './support';
import { DatabaseRelay } from './support/database-relay';
import { givenDevelopers, givenReviewWorld, givenUseCaseAt, openReview, signOff } from './support/review-world';

/**
 * Under pressure the answer is 503 with Retry-After — never 401 for a valid
 * credential, never 500 — and the service comes back by itself when the
 * pressure goes. Each case starts from a valid, working app.
 */
describe('faults', () => {
  const expectUnavailable = (res: { status: number; headers: Record<string, string>; body: { type?: string } }) => {
    expect({ status: res.status, type: res.body.type }).toEqual({ status: 503, type: 'urn:gatehouse:problem:service-unavailable' });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  };

  describe('with the default pool', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(() => t.close());

    it('100 parallel final sign-offs on one review: one passes, every other answer is a 4xx', async () => {
      const world = await givenReviewWorld(t);
      const useCaseId = await givenUseCaseAt(t, world, 'minimal');
      const review = await openReview(t, world, useCaseId, 'design_to_develop', 'minimal');
      const developers = await givenDevelopers(t, world.devTeam, 100);
      const answers = await Promise.all(developers.map((dev) => signOff(t, dev, review.id, 'developer', review.revision)));
      const statuses = answers.map((res) => res.status);
      const histogram = Object.fromEntries([...new Set(statuses)].map((status) => [status, statuses.filter((s) => s === status).length]));
      expect(histogram).toEqual({ 201: 1, 409: 99 });
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM gate_reviews WHERE use_case_id = $1 AND status = 'passed'`, [useCaseId]);
      expect(n).toBe(1);
      expect(await t.app.get(AuditReader).verify({}, { record: false })).toMatchObject({ intact: true });
    });
  });

  describe('with every pooled connection taken', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ env: { DATABASE_POOL_SIZE: '2' } });
    });
    afterAll(() => t.close());

    it('a valid token gets 503 with Retry-After, not 401; and the same token works once the pool is free', async () => {
      const admin = await adminUser(t);
      const held = [t.dataSource.createQueryRunner(), t.dataSource.createQueryRunner()];
      try {
        for (const runner of held) await runner.startTransaction();
        for (const runner of held) await runner.query('SELECT 1');
        expectUnavailable(await t.http().get('/api/me').set(bearer(admin.token)));
        expectUnavailable(await t.http().post('/api/auth/login').send(TEST_ADMIN));
      } finally {
        for (const runner of held) {
          await runner.rollbackTransaction();
          await runner.release();
        }
      }
      await t.http().get('/api/me').set(bearer(admin.token)).expect(200);
    });
  });

  describe('when the database goes away and comes back', () => {
    // The app reaches PostgreSQL through a TCP relay the test can cut, which is what a
    // stopped or unreachable server looks like from the app, on any server the suite runs on.
    let relay: DatabaseRelay;
    let database: TestDatabase;
    let t: TestApp;

    beforeAll(async () => {
      database = await createTestDatabase();
      const target = new URL(database.url);
      relay = await DatabaseRelay.start(target.hostname, Number(target.port || 5432));
      const url = new URL(database.url);
      url.port = String(relay.port);
      t = await createTestApp({ database: { ...database, url: url.toString() } });
    });
    afterAll(async () => {
      await t?.close().catch(() => undefined);
      await relay?.close();
      await database?.drop();
    });

    it('answers 503 with Retry-After while it is down (readiness too), and serves again once it is back', async () => {
      const admin = await adminUser(t);
      await t.http().get('/api/me').set(bearer(admin.token)).expect(200);

      await relay.cut();
      expectUnavailable(await t.http().get('/api/me').set(bearer(admin.token)));
      expectUnavailable(await t.http().get('/api/use-cases').set(bearer(admin.token)));
      expectUnavailable(await t.http().post('/api/auth/login').send(TEST_ADMIN));
      expect((await t.http().get('/health/ready')).status).toBe(503);

      await relay.restore();
      // The pool replaces its dead connections on the next checkouts.
      let status = 0;
      for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
        status = (await t.http().get('/api/me').set(bearer(admin.token))).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(status).toBe(200);
      await t.http().get('/health/ready').expect(200);
      expect(await t.app.get(AuditReader).verify({}, { record: false })).toMatchObject({ intact: true });
    });
  });
});
