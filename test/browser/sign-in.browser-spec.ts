import { randomUUID } from 'node:crypto';
import { Browser } from 'playwright-core';
import { givenUser, TestUser } from '../support';
import { describeInBrowser, launchChromium, seriousAccessibilityViolations, signedInPage, startWebApp, WebApp } from './support/browser';

describeInBrowser('signing in to the web app', () => {
  let web: WebApp;
  let browser: Browser;
  let legal: TestUser;

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebApp(), launchChromium()]);
    legal = await givenUser(web.t, { roles: ['legal'], name: 'legal' });
  });
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it('sends a deep link through the sign-in page and back, and keeps no token where a script can read it', async () => {
    const target = `/reviews/${randomUUID()}`;
    const { context, page } = await signedInPage(browser, web.baseUrl, legal, target);
    expect(new URL(page.url()).pathname).toBe(target);

    const storage = await page.evaluate<string>('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie');
    expect(storage).not.toMatch(/gatehouse_session|eyJ/);
    const [session] = (await context.cookies()).filter((cookie) => cookie.name === 'gatehouse_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    await context.close();
  });

  it('says plainly when the password is wrong, and the sign-in page has no serious accessibility violations', async () => {
    const context = await browser.newContext({ baseURL: web.baseUrl });
    const page = await context.newPage();
    await page.goto('/sign-in');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByRole('textbox', { name: /^Email/ }).fill(legal.email);
    await page.getByRole('textbox', { name: /^Password/ }).fill('not the password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Could not sign in');
    expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain('gatehouse_session');
    await context.close();
  });

  it('returns a person whose session ended to the sign-in page, then back to where they were', async () => {
    const { context, page } = await signedInPage(browser, web.baseUrl, legal, '/use-cases');
    // The session ends on the server (as an idle timeout or a sign-out elsewhere would end it).
    await web.t.dataSource.query("UPDATE browser_sessions SET ended_at = now(), ended_reason = 'test' WHERE ended_at IS NULL");
    await page.goto('/audit');
    await page.waitForURL(/\/sign-in\?/);
    await page.getByRole('textbox', { name: /^Email/ }).fill(legal.email);
    await page.getByRole('textbox', { name: /^Password/ }).fill(legal.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('signed-in-as').waitFor();
    expect(new URL(page.url()).pathname).toBe('/audit');
    await context.close();
  });

  it('signs out: the cookie no longer opens anything', async () => {
    const { context, page } = await signedInPage(browser, web.baseUrl, legal, '/use-cases');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    const me = await context.request.get('/api/me');
    expect(me.status()).toBe(401);
    await context.close();
  });
});
