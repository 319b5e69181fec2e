import { createTestApp, TestApp } from './support';
import { ProbeModule } from './support/probe.module';

const PROBLEM_JSON = /^application\/problem\+json/;

describe('HTTP foundation', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ imports: [ProbeModule], env: { GATEHOUSE_BODY_LIMIT_BYTES: '2048' } });
  });
  afterAll(() => t.close());

  describe('health', () => {
    it('reports liveness', async () => {
      const res = await t.http().get('/health/live').expect(200);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('reports readiness with the database checked', async () => {
      const res = await t.http().get('/health/ready').expect(200);
      expect(res.body.details.database.status).toBe('up');
    });
  });

  describe('request ids and headers', () => {
    it('assigns a request id and returns it', async () => {
      const res = await t.http().get('/health/live');
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("keeps a caller's well-formed request id and replaces a malformed one", async () => {
      const kept = await t.http().get('/health/live').set('X-Request-Id', 'trace-42.abc');
      expect(kept.headers['x-request-id']).toBe('trace-42.abc');
      const replaced = await t.http().get('/health/live').set('X-Request-Id', 'bad id with spaces');
      expect(replaced.headers['x-request-id']).not.toBe('bad id with spaces');
    });

    it('sends security headers', async () => {
      const res = await t.http().get('/health/live');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['x-powered-by']).toBeUndefined();
    });
  });

  describe('OpenAPI', () => {
    it('serves a JSON document generated from the code, listing the health routes', async () => {
      const res = await t.http().get('/api/docs-json').expect(200);
      const document = JSON.parse(res.text);
      expect(document.openapi).toMatch(/^3\./);
      expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
    });

    it('serves the UI', async () => {
      const res = await t.http().get('/api/docs').expect(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
    });
  });

  describe('errors are problem+json', () => {
    const valid = { title: 'ok', count: 1 };

    it('accepts a valid body', async () => {
      await t.http().post('/probe').send(valid).expect(201, valid);
    });

    it('refuses malformed JSON with 400', async () => {
      const res = await t.http().post('/probe').set('Content-Type', 'application/json').send('{"title": ');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(res.body).toMatchObject({ type: 'urn:gatehouse:problem:malformed-json', status: 400 });
    });

    it('refuses a body that is not JSON with 415', async () => {
      const res = await t.http().post('/probe').set('Content-Type', 'text/plain').send('title=ok');
      expect(res.status).toBe(415);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(res.body.detail).toContain('text/plain');
    });

    it('refuses a body over the size limit with 413', async () => {
      const res = await t.http().post('/probe').send({ ...valid, tags: ['x'.repeat(4096)] });
      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(res.body.detail).toContain('2048');
    });

    it('rejects unknown fields, naming them, rather than dropping them', async () => {
      const res = await t.http().post('/probe').send({ ...valid, isAdmin: true, owner: { name: 'a', role: 'x' } });
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(res.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'isAdmin', detail: 'isAdmin is not an accepted field' },
          { field: 'owner.role', detail: 'owner.role is not an accepted field' },
        ]),
      );
    });

    it('lists every invalid field with what is wrong', async () => {
      const res = await t.http().post('/probe').send({ title: '', count: 'three', tags: [1] });
      expect(res.status).toBe(422);
      const fields = res.body.errors.map((error: { field: string }) => error.field);
      expect(new Set(fields)).toEqual(new Set(['title', 'count', 'tags']));
      const countDetails = res.body.errors.filter((e: { field: string }) => e.field === 'count').map((e: { detail: string }) => e.detail);
      expect(countDetails).toContain('count must be an integer number');
    });

    it('refuses a JSON array or scalar where an object is expected', async () => {
      const res = await t.http().post('/probe').send([1, 2]);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    });

    it('answers an unknown route with 404', async () => {
      const res = await t.http().get('/nowhere');
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    });

    it('hides the cause of an unexpected error behind an error id', async () => {
      const res = await t.http().get('/probe/boom');
      expect(res.status).toBe(500);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(res.body.errorId).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.text).not.toMatch(/secret|postgres:|at \w+ \(/);
    });
  });
});

describe('readiness without a database', () => {
  it('answers 503 problem+json when the database is unreachable', async () => {
    const t = await createTestApp();
    try {
      // Dropping the database (WITH FORCE) also cuts the pool's connections.
      await t.database.drop();
      const res = await t.http().get('/health/ready');
      expect(res.status).toBe(503);
      expect(res.body.details.database.status).toBe('down');
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    } finally {
      await t.app.close().catch(() => undefined);
    }
  });
});
