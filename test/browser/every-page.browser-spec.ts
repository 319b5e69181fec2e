import { Browser, BrowserContext, Page } from 'playwright-core';
import { adminUser, givenUser, TestUser } from '../support';
import { givenReviewWorld, givenUseCaseAt, openReview, ReviewWorld } from '../support/review-world';
import { describeInBrowser, launchChromium, seriousAccessibilityViolations, signedInPage, startWebApp, WebApp } from './support/browser';

/**
 * axe on every page of the app, each as the person it is for, with data on it: no serious or
 * critical violation anywhere (the walk and the admin specs also check the dialogs and states
 * they open).
 */
describeInBrowser('every page, checked for accessibility', () => {
  let web: WebApp;
  let browser: Browser;
  let world: ReviewWorld;
  let officer: TestUser;
  let admin: TestUser;
  let useCaseId: string;
  let reviewId: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebApp(), launchChromium()]);
    world = await givenReviewWorld(web.t);
    officer = await givenUser(web.t, { roles: ['compliance_officer'], name: 'officer' });
    admin = await adminUser(web.t);
    useCaseId = await givenUseCaseAt(web.t, world, 'high');
    reviewId = (await openReview(web.t, world, useCaseId, 'design_to_develop', 'high')).id;
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await web?.close();
  });

  /** Visits each path in one session and returns, per path, the serious and critical violations found once it has loaded. */
  async function violationsOn(person: TestUser, paths: string[]): Promise<Record<string, string[]>> {
    const { context, page } = await signedInPage(browser, web.baseUrl, person, paths[0]);
    contexts.push(context);
    const found: Record<string, string[]> = {};
    for (const path of paths) {
      await page.goto(path);
      await loaded(page);
      found[path] = await seriousAccessibilityViolations(page);
    }
    return found;
  }

  const none = (paths: string[]) => Object.fromEntries(paths.map((path) => [path, []]));

  it("a team member's pages", async () => {
    const paths = [
      '/use-cases',
      '/use-cases/new',
      ...['', '/edit', '/risks', '/evidence', '/checklist', '/impact-assessment', '/reviews', '/obligations', '/history'].map((tab) => `/use-cases/${useCaseId}${tab}`),
      '/api-keys',
      '/admin/gate-policies',
      '/notifications',
      '/no-such-page',
    ];
    expect(await violationsOn(world.opener, paths)).toEqual(none(paths));
  });

  it("a signer's pages", async () => {
    const paths = ['/inbox', `/reviews/${reviewId}`, `/use-cases/${useCaseId}/impact-assessment`, '/notifications'];
    expect(await violationsOn(world.legal, paths)).toEqual(none(paths));
  });

  it("a compliance officer's and an administrator's pages", async () => {
    const officerPaths = ['/audit', '/audit/events/1', '/compliance'];
    expect(await violationsOn(officer, officerPaths)).toEqual(none(officerPaths));
    const adminPaths = ['/admin/users', '/admin/teams', '/admin/gate-policies', '/admin/webhooks', '/api-keys'];
    expect(await violationsOn(admin, adminPaths)).toEqual(none(adminPaths));
  });
});

/** The page has its heading and nothing is still loading (every loader in the app is labelled "Loading …"). */
async function loaded(page: Page) {
  await page
    .getByRole('heading', { level: 1 })
    .first()
    .waitFor()
    .catch(async () => {
      throw new Error(`${page.url()} shows no heading: ${(await page.locator('body').innerText()).slice(0, 300)}`);
    });
  for (let tries = 0; (await page.locator('[aria-label^="Loading"]').count()) > 0; tries++) {
    if (tries > 100) throw new Error(`${page.url()} was still loading after 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
