import { createServer } from 'node:net';
import { Browser } from 'playwright-core';
import { createTestApp, TestApp } from '../support';
import { LocalOidcProvider, startOidcProvider } from '../support/oidc/oidc-provider';
import { describeInBrowser, launchChromium, seriousAccessibilityViolations } from './support/browser';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describeInBrowser('single sign-on from the sign-in page', () => {
  let browser: Browser;
  let idp: LocalOidcProvider;
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    // The redirect URI is registered before either side starts: the app's port is chosen first.
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const client = { clientId: 'gatehouse-browser', clientSecret: 'a-browser-test-secret' };
    idp = await startOidcProvider({ ...client, redirectUris: [`${baseUrl}/api/auth/oidc/staff/callback`], accounts: { judy: { email: 'judy@idp.test', name: 'Judy Idp', groups: ['gh-legal'] } } });
    t = await createTestApp({
      env: {
        GATEHOUSE_PUBLIC_URL: baseUrl,
        GATEHOUSE_OIDC_PROVIDERS: JSON.stringify([{ id: 'staff', name: 'Staff SSO', issuer: idp.issuer, ...client, scopes: ['openid', 'email', 'profile', 'groups'], roleMap: { 'gh-legal': ['legal'] } }]),
      },
    });
    await t.app.listen(port, '127.0.0.1');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await idp?.stop();
  });

  it('offers the provider, signs in through it and comes back to where the person was going, signed in with the mapped role', async () => {
    const context = await browser.newContext({ baseURL: baseUrl });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await page.goto('/sign-in?next=%2Fuse-cases');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByRole('link', { name: 'Sign in with Staff SSO' }).click();
    // The provider's login page (test double): the account is chosen in the URL.
    await page.waitForURL((url) => url.origin === idp.issuer && url.pathname.startsWith('/interaction/'));
    await page.goto(`${page.url()}?login=judy`);
    await page.getByTestId('signed-in-as').waitFor();
    expect(new URL(page.url()).pathname).toBe('/use-cases');
    const [session] = (await context.cookies()).filter((cookie) => cookie.name === 'gatehouse_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    const [user] = await t.dataSource.query(`SELECT u.id FROM users u WHERE u.email = 'judy@idp.test'`);
    expect((await t.dataSource.query('SELECT role FROM user_roles WHERE user_id = $1', [user.id])).map((row: { role: string }) => row.role)).toEqual(['legal']);
    await context.close();
  });

  it('says in plain words why a single sign-on was refused', async () => {
    const context = await browser.newContext({ baseURL: baseUrl });
    const page = await context.newPage();
    await page.goto('/api/auth/oidc/unknown/start');
    await page.waitForURL(/\/sign-in\?sso_error=unknown_provider/);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('That sign-in provider is not configured on this server.');
    await context.close();
  });
});
