import { Browser } from 'playwright-core';
import { adminUser, bearer, givenTeam, givenUser, TestUser } from '../support';
import { describeInBrowser, launchChromium, signedInPage, startWebApp, WebApp } from './support/browser';

/** What a hostile but signed-in person (or a link they send) can make the web app do in a browser. */
describeInBrowser('the web app under attack', () => {
  let web: WebApp;
  let browser: Browser;
  let person: TestUser;

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebApp(), launchChromium()]);
    person = await givenUser(web.t, { roles: ['legal'], name: 'target' });
  });
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  // A sign-in link sent by email whose `next` points elsewhere must land in the app, never on another site.
  const hostileNexts = ['//evil.example/', '/\\evil.example/', '/\t/evil.example/', '/\n/evil.example/', '\\/evil.example/', 'javascript:alert(1)', 'https://evil.example/', '/%5Cevil.example/'];

  it.each(hostileNexts)('keeps a sign-in with next=%j on the app', async (next) => {
    const context = await browser.newContext({ baseURL: web.baseUrl });
    context.setDefaultTimeout(15_000);
    const elsewhere: string[] = [];
    await context.route((url) => url.hostname === 'evil.example', async (route) => {
      elsewhere.push(route.request().url());
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<title>evil</title>' });
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`/sign-in?${new URLSearchParams({ next })}`);
    await page.getByRole('textbox', { name: /^Email/ }).fill(person.email);
    await page.getByRole('textbox', { name: /^Password/ }).fill(person.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('signed-in-as').waitFor();
    expect(new URL(page.url()).origin).toBe(web.baseUrl);
    expect(elsewhere).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the next person to sign in on the same tab nothing the previous one read', async () => {
    const officer = await givenUser(web.t, { roles: ['compliance_officer'], name: 'officer' });
    const developer = await givenUser(web.t, { teams: [{ teamId: (await givenTeam(web.t)).id, role: 'developer' }], name: 'developer' });
    const admin = await adminUser(web.t);
    const [first] = (await web.t.http().get('/api/audit/events?fromSeq=1&toSeq=1').set(bearer(admin.token)).expect(200)).body.items;

    const { context, page } = await signedInPage(browser, web.baseUrl, officer, '/audit/events/1');
    await page.getByTestId('event-hash').getByText(first.hash).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in\?/);

    // Someone else at the same browser, without a reload: the sign-in page sends them back to the event.
    await page.getByRole('textbox', { name: /^Email/ }).fill(developer.email);
    await page.getByRole('textbox', { name: /^Password/ }).fill(developer.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('signed-in-as').waitFor();
    expect(new URL(page.url()).pathname).toBe('/audit/events/1');
    await page.waitForLoadState('networkidle');
    expect(await page.getByText(first.hash).count()).toBe(0);
    // What they see instead is the server's refusal of their own request.
    await expect(page.getByRole('alert').first().textContent()).resolves.toMatch(/\S/);
    await context.close();
  });
});
