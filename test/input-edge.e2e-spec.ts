import { gzipSync } from 'node:zlib';
import { adminUser, bearer, createTestApp, givenTeam, givenUseCase, givenUser, TestApp, TestUser, useCaseBody } from './support';
import { ProbeModule } from './support/probe.module';
import { givenReviewWorld, givenUseCaseAt, openReview, ReviewWorld, signOff } from './support/review-world';

const PROBLEM_JSON = /^application\/problem\+json/;
const base64url = (text: string) => Buffer.from(text).toString('base64url');

/**
 * Whatever a client puts in a body, query string or path, the answer is a 4xx
 * problem naming what is wrong, never a 500, and nothing that would make the
 * stored value differ from the hashed one gets in.
 */
describe('input at the edge', () => {
  let t: TestApp;
  let admin: TestUser;
  let teamId: string;
  let developer: TestUser;
  let world: ReviewWorld;

  beforeAll(async () => {
    t = await createTestApp({ imports: [ProbeModule] });
    admin = await adminUser(t);
    teamId = (await givenTeam(t)).id;
    developer = await givenUser(t, { teams: [{ teamId, role: 'developer' }], name: 'dev' });
    world = await givenReviewWorld(t);
  });
  afterAll(() => t.close());

  const as = (user: TestUser) => bearer(user.token);
  const expectChainIntact = async () => {
    const res = await t.http().get('/api/audit/verify').set(as(admin)).expect(200);
    expect(res.body).toMatchObject({ intact: true });
  };
  const expectFieldRefused = (res: { status: number; headers: Record<string, string>; body: { errors?: { field: string; detail: string }[] } }, field: string, detail?: RegExp) => {
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, ...(detail ? { detail: expect.stringMatching(detail) } : {}) })]));
  };

  describe('one text rule: no U+0000 and no unpaired surrogate anywhere', () => {
    it('refuses a lone surrogate in a sign-off comment and in a condition, naming the field, and the trail stays intact', async () => {
      const useCaseId = await givenUseCaseAt(t, world, 'minimal');
      const review = await openReview(t, world, useCaseId, 'design_to_develop', 'minimal');
      const comment = await signOff(t, world.legal, review.id, 'legal', review.revision, 'approve', { comment: 'fine \ud800' });
      expectFieldRefused(comment, 'comment', /unpaired UTF-16 surrogate/);
      const condition = await signOff(t, world.legal, review.id, 'legal', review.revision, 'approve', { conditions: [{ description: 'x\udc00y' }] });
      expectFieldRefused(condition, 'conditions.0.description', /unpaired UTF-16 surrogate/);
      await expectChainIntact();
    });

    it('refuses U+0000 in a body string with 422 rather than a database error', async () => {
      const useCase = await givenUseCase(t, developer.token, teamId);
      const res = await t.http().patch(`/api/use-cases/${useCase.id}`).set(as(developer)).send({ title: 'a\u0000b' });
      expectFieldRefused(res, 'title', /U\+0000/);
    });

    it('refuses U+0000 inside a gate policy document, with its path', async () => {
      const current = (await t.http().get('/api/gate-policies/current').set(as(admin)).expect(200)).body.document;
      const res = await t.http().post('/api/gate-policies').set(as(admin)).send({ document: { ...current, source: 'guide\u0000' } });
      expectFieldRefused(res, 'document.source', /U\+0000/);
    });

    it('keeps well-formed text from every plane, paired surrogates included', async () => {
      const title = 'Ünïcødé 日本 😀 𝔘 \u2028 tab\tend';
      const useCase = await givenUseCase(t, developer.token, teamId, { title });
      expect(useCase.content.title).toBe(title);
      await expectChainIntact();
    });

    it('refuses a bad object key, naming the key by its escaped form', async () => {
      const res = await t.http().post('/probe').set('Content-Type', 'application/json').send('{"title":"ok","count":1,"owner":{"na\\u0000me":"x"}}');
      expectFieldRefused(res, 'owner.na\\u0000me', /U\+0000/);
    });

    it('refuses a lone surrogate in a sign-in email with 422', async () => {
      const res = await t.http().post('/api/auth/login').send({ email: 'a\ud800@example.com', password: 'whatever' });
      expectFieldRefused(res, 'email', /unpaired UTF-16 surrogate/);
    });

    it('checks query strings and path parameters too', async () => {
      expectFieldRefused(await t.http().get('/api/use-cases?q=a%00b').set(as(developer)), 'q', /U\+0000/);
      expectFieldRefused(await t.http().get('/api/use-cases/a%00b').set(as(developer)), 'id', /U\+0000/);
    });

    it('refuses U+0000 in a multipart form field and in the uploaded file name', async () => {
      const useCase = await givenUseCase(t, developer.token, teamId);
      const field = await t.http().post(`/api/use-cases/${useCase.id}/evidence`).set(as(developer))
        .field('kind', 'model_card').field('title', 'card\u0000').attach('file', Buffer.from('x'), { filename: 'card.txt' });
      expectFieldRefused(field, 'title', /U\+0000/);
      const name = await uploadRaw(useCase.id, `filename*=utf-8''a%00b.txt`);
      expectFieldRefused(name, 'file', /U\+0000/);
    });
  });

  describe('UUIDs are normalised to lower case', () => {
    it('edits a use case named by an upper-case id, answers with the lower-case id, and the trail still verifies', async () => {
      const useCase = await givenUseCase(t, developer.token, teamId);
      const res = await t.http().patch(`/api/use-cases/${useCase.id.toUpperCase()}`).set(as(developer)).send({ title: 'Renamed' }).expect(200);
      expect(res.body.id).toBe(useCase.id);
      await expectChainIntact();
    });

    it('stores an upper-case team id from a body in lower case', async () => {
      const res = await t.http().post('/api/use-cases').set(as(developer)).send(useCaseBody(teamId.toUpperCase())).expect(201);
      expect(res.body.developerTeamId ?? res.body.content?.developerTeamId ?? teamId).toBe(teamId);
      await expectChainIntact();
    });
  });

  describe('integers, dates and cursors in bounds', () => {
    it.each([
      ['a revision beyond int4', (id: string) => `/api/use-cases/${id}/revisions/99999999999`],
      ['a diff revision beyond int4', (id: string) => `/api/use-cases/${id}/revisions/1/diff/3000000000`],
      ['a clearance revision beyond int4', (id: string) => `/api/use-cases/${id}/clearance?stage=develop&revision=99999999999`],
      ['a gate policy version beyond int4', () => '/api/gate-policies/3000000000'],
    ])('refuses %s with 422', async (_name, route) => {
      const useCase = await givenUseCase(t, developer.token, teamId);
      const res = await t.http().get(route(useCase.id)).set(as(admin));
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    });

    it('refuses a sign-off revision beyond int4 with 422', async () => {
      const res = await signOff(t, world.legal, '00000000-0000-4000-8000-000000000000', 'legal', 99999999999);
      expectFieldRefused(res, 'revision');
    });

    it.each(['0001-01-01T00:00:00Z', '+300000-01-01T00:00:00Z', '300000-01-01', '1', 'yesterday'])('refuses the audit date filter from=%s with 422', async (from) => {
      const res = await t.http().get(`/api/audit/events?from=${encodeURIComponent(from)}`).set(as(admin));
      expectFieldRefused(res, 'from');
    });

    it('still accepts an ordinary ISO 8601 date filter', async () => {
      await t.http().get('/api/audit/events?from=2020-01-01T00:00:00Z&to=2100-01-01').set(as(admin)).expect(200);
    });

    it.each(['x|y', '1|y', '2024-01-01 00:00:00+00|y', `99999-01-01 00:00:00+00|${'0'.repeat(8)}-0000-4000-8000-000000000000`, '%%%', ''.padEnd(40, '=')])(
      'refuses the malformed use-case cursor %j with 422',
      async (decoded) => {
        const res = await t.http().get(`/api/use-cases?cursor=${encodeURIComponent(base64url(decoded))}`).set(as(developer));
        expectFieldRefused(res, 'cursor');
      },
    );

    it('still follows a cursor the API returned', async () => {
      await givenUseCase(t, developer.token, teamId);
      await givenUseCase(t, developer.token, teamId);
      const first = await t.http().get('/api/use-cases?limit=1').set(as(developer)).expect(200);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      await t.http().get(`/api/use-cases?limit=1&cursor=${first.body.nextCursor}`).set(as(developer)).expect(200);
    });
  });

  describe('body parsing', () => {
    // Raw bytes as given: superagent would otherwise serialise a Buffer as JSON.
    const postJson = (body: string | Buffer, headers: Record<string, string> = {}) =>
      t.http().post('/probe').set({ 'Content-Type': 'application/json', ...headers }).serialize((raw) => raw).send(body);

    it('answers a gzip body that is not gzip with 400 problem+json', async () => {
      const res = await postJson(Buffer.from('definitely not gzip'), { 'Content-Encoding': 'gzip' });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(res.body.instance).toBe('/probe');
    });

    it('answers a truncated deflate body with 400 problem+json', async () => {
      const res = await postJson(gzipSync('{"title":"ok","count":1}').subarray(0, 12), { 'Content-Encoding': 'gzip' });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    });

    it('still accepts a well-formed gzip body', async () => {
      await postJson(gzipSync('{"title":"ok","count":1}'), { 'Content-Encoding': 'gzip' }).expect(201);
    });

    it('answers an unknown Content-Encoding with 415 problem+json and its instance', async () => {
      const res = await postJson('{"title":"ok","count":1}', { 'Content-Encoding': 'x-unknown' });
      expect(res.status).toBe(415);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(res.body.instance).toBe('/probe');
    });

    it('refuses JSON nested 3,000 levels deep with 400, even without credentials on a closed route', async () => {
      const deep = `{"title":"ok","count":1,"owner":${'['.repeat(3000)}${']'.repeat(3000)}}`;
      const open = await postJson(deep);
      expect(open.status).toBe(400);
      expect(open.body).toMatchObject({ type: 'urn:gatehouse:problem:too-deeply-nested', instance: '/probe' });
      const closed = await t.http().post('/api/use-cases').set('Content-Type', 'application/json').send(`{"a":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`);
      expect(closed.status).toBe(400);
    });

    it('accepts ordinary nesting', async () => {
      await postJson(`{"title":"ok","count":1,"tags":${'['.repeat(1)}"a"${']'.repeat(1)}}`).expect(201);
    });

    it('calls a null body valid JSON that is not an object', async () => {
      const res = await postJson('null');
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(res.body.detail).toMatch(/not an object/);
      expect(res.body.detail).not.toMatch(/not valid JSON/);
    });

    it('still calls malformed JSON malformed, with the instance', async () => {
      const res = await postJson('{"title": ');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ type: 'urn:gatehouse:problem:malformed-json', instance: '/probe' });
    });

    it('gives the 413 and 415 answers their instance', async () => {
      const tooLarge = await postJson(JSON.stringify({ title: 'ok', count: 1, tags: ['x'.repeat(1_100_000)] }));
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.body.instance).toBe('/probe');
      const wrongType = await t.http().post('/probe?x=1').set('Content-Type', 'text/plain').send('hello');
      expect(wrongType.status).toBe(415);
      expect(wrongType.body.instance).toBe('/probe');
    });

    it.each([
      ['constructor as a field value', '{"title":"ok","count":1,"owner":{"constructor":{"prototype":{}}}}', 'owner.constructor'],
      ['constructor at the top', '{"constructor":{"prototype":{}},"title":"ok","count":1}', 'constructor'],
      ['__proto__ as a key', '{"title":"ok","count":1,"__proto__":{"isAdmin":true}}', '__proto__'],
      ['prototype as a key', '{"title":"ok","count":1,"owner":{"name":"a","prototype":1}}', 'owner.prototype'],
    ])('refuses %s with 422', async (_name, body, field) => {
      expectFieldRefused(await postJson(body), field);
    });

    it('refuses constructor keys on a real route too', async () => {
      const useCase = await givenUseCase(t, developer.token, teamId);
      const res = await t.http().patch(`/api/use-cases/${useCase.id}`).set(as(developer)).set('Content-Type', 'application/json')
        .send('{"workflow":{"constructor":{"prototype":{}}}}');
      expectFieldRefused(res, 'workflow.constructor');
    });

    it('names each invalid field once in the detail', async () => {
      const res = await postJson(JSON.stringify({ title: '', count: 'three', tags: [1, 2, 3] }));
      expect(res.status).toBe(422);
      expect(res.body.detail).toBe('3 fields are not valid: title, count, tags');
    });
  });

  describe('lookups never walk the prototype chain', () => {
    it.each(['constructor', 'prototype', 'tostring', 'hasownproperty', 'valueof'])('refuses the checklist item %s', async (itemId) => {
      const useCase = await givenUseCase(t, developer.token, teamId);
      const res = await t.http().put(`/api/use-cases/${useCase.id}/checklist/${itemId}`).set(as(developer)).send({ answer: 'yes' });
      expectFieldRefused(res, 'itemId');
    });

    it('refuses Object.prototype names written as in the prototype (mixed case)', async () => {
      const useCase = await givenUseCase(t, developer.token, teamId);
      for (const itemId of ['toString', 'hasOwnProperty', 'valueOf', '__proto__']) {
        const res = await t.http().put(`/api/use-cases/${useCase.id}/checklist/${itemId}`).set(as(developer)).send({ answer: 'yes' });
        expectFieldRefused(res, 'itemId');
      }
    });
  });

  describe('UTF-8 evidence file names', () => {
    it('stores a file named in UTF-8 and downloads it with an RFC 6266 Content-Disposition', async () => {
      const useCase = await givenUseCase(t, developer.token, teamId);
      const upload = await uploadRaw(useCase.id, `filename*=utf-8''%E6%97%A5%E6%9C%AC.txt`);
      expect(upload.status).toBe(201);
      expect(upload.body.fileName).toBe('日本.txt');
      const download = await t.http().get(`/api/use-cases/${useCase.id}/evidence/${upload.body.id}/content`).set(as(developer)).expect(200);
      expect(download.headers['content-disposition']).toBe(`attachment; filename="??.txt"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt`);
      expect(download.text).toBe('hello');
    });

    it('keeps an ASCII file name as a plain quoted filename', async () => {
      const useCase = await givenUseCase(t, developer.token, teamId);
      const upload = await uploadRaw(useCase.id, 'filename="model card.txt"');
      expect(upload.status).toBe(201);
      const download = await t.http().get(`/api/use-cases/${useCase.id}/evidence/${upload.body.id}/content`).set(as(developer)).expect(200);
      expect(download.headers['content-disposition']).toBe('attachment; filename="model card.txt"');
    });
  });

  /** A multipart upload with a hand-written file part header, as curl or a browser may send it. */
  function uploadRaw(useCaseId: string, fileNameParameter: string) {
    const boundary = 'gatehouse-edge-boundary';
    const body = [
      `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nmodel_card\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nCard\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; ${fileNameParameter}\r\nContent-Type: text/plain\r\n\r\nhello\r\n`,
      `--${boundary}--\r\n`,
    ].join('');
    return t.http().post(`/api/use-cases/${useCaseId}/evidence`).set(as(developer))
      .set('Content-Type', `multipart/form-data; boundary=${boundary}`).send(Buffer.from(body));
  }

  describe('sizes that fit the body limit but not a request (found by the fuzz suite)', () => {
    it('refuses a top-level array with one short problem', async () => {
      const res = await t.http().post('/api/me/password').set(as(developer)).set('Content-Type', 'application/json')
        .send(JSON.stringify(Array.from({ length: 100_000 }, () => 'x')));
      expect(res.status).toBe(422);
      expect(res.body.type).toBe('urn:gatehouse:problem:body-not-an-object');
      expect(JSON.stringify(res.body).length).toBeLessThan(2_000);
    });

    it('refuses a list of 100,000 items inside a body by its path, without one error per item', async () => {
      const res = await t.http().post(`/api/users/${developer.id}/api-keys`).set(as(admin)).send({ name: 'k', roles: Array.from({ length: 100_000 }, () => 'admin') });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'roles' })]);
    });

    it('lists at most 50 field errors, counting the rest', async () => {
      const policy = (await t.http().get('/api/gate-policies/current').set(as(admin)).expect(200)).body.document;
      policy.gates.retire.minimal.evidence = Array.from({ length: 900 }, (_, i) => ({ kind: `nope-${i}` }));
      const res = await t.http().post('/api/gate-policies').set(as(admin)).send({ document: policy });
      expect(res.status).toBe(422);
      expect(res.body.errors).toHaveLength(50);
      expect(res.body.omittedErrors).toBe(850);
    });

    it('answers a URL longer than the header limit in problem+json', async () => {
      const res = await t.http().get(`/api/use-cases?stage=${'x'.repeat(20_000)}`).set(as(admin));
      expect(res.status).toBe(431);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(res.body.type).toBe('urn:gatehouse:problem:headers-too-large');
    });
  });
});
