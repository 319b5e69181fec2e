import { previewApiDocument } from '../apps/api/src/cli/openapi';
import { createTestApp, TestApp } from './support';

/** The web app's client is generated from a document built without a database; it must be the one the service serves. */
describe('the web app and the API it is generated from', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it('generates its client from exactly the document /api/docs-json serves', async () => {
    const served = await t.http().get('/api/docs-json').expect(200);
    expect(JSON.parse(JSON.stringify(await previewApiDocument()))).toEqual(served.body);
  });

  it('keeps the page on the address it was opened with: no upgrade-insecure-requests in the Content-Security-Policy', async () => {
    const answer = await t.http().get('/health/live').expect(200);
    expect(answer.headers['content-security-policy']).toContain("script-src 'self'");
    expect(answer.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
  });
});
