import { Browser } from 'playwright-core';
import { givenUser, TestUser } from '../support';
import { describeInBrowser, launchChromium, startWebApp, WebApp } from './support/browser';

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
});
