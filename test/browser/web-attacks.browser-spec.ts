import { Browser } from 'playwright-core';
import { adminUser, bearer, givenTeam, givenUseCase, givenUser, TestUser } from '../support';
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

  it('shows markup typed into use cases, evidence and the trail as text, never as elements', async () => {
    const teamId = (await givenTeam(web.t)).id;
    const developer = await givenUser(web.t, { teams: [{ teamId, role: 'developer' }], name: 'hostile' });
    const officer = await givenUser(web.t, { roles: ['compliance_officer'], name: 'reader' });
    const payload = (where: string) => `<img src=x data-injected="${where}" onerror="window.__injected='${where}'"><script>window.__injected='${where}'</script>`;
    const useCase = await givenUseCase(web.t, developer.token, teamId, { title: `Triage ${payload('title')}`, intendedUse: payload('intendedUse') });
    const file = await web.t.http().post(`/api/use-cases/${useCase.id}/evidence`).set(bearer(developer.token)).field('kind', 'model_card').field('title', payload('evidence-title'))
      .attach('file', Buffer.from('%PDF'), { filename: `${payload('file-name')}.pdf`, contentType: 'application/pdf' });
    expect(file.status).toBe(201);
    const link = await web.t.http().post(`/api/use-cases/${useCase.id}/evidence/links`).set(bearer(developer.token)).send({ kind: 'other', title: payload('link-title'), url: 'https://example.com/?q=%22%3E%3Cimg%20src=x%20data-injected=url%3E' });
    expect(link.status).toBe(201);

    const admin = await adminUser(web.t);
    const events = (await web.t.http().get(`/api/audit/events?useCaseId=${useCase.id}`).set(bearer(admin.token)).expect(200)).body.items as { seq: number }[];
    expect(events.length).toBeGreaterThanOrEqual(3);

    for (const [person, paths] of [
      [developer, [`/use-cases/${useCase.id}`, `/use-cases/${useCase.id}/evidence`, `/use-cases/${useCase.id}/history`, '/use-cases']],
      [officer, ['/audit', `/audit?useCaseId=${useCase.id}`, ...events.map((event) => `/audit/events/${event.seq}`)]],
    ] as const) {
      const { context, page } = await signedInPage(browser, web.baseUrl, person, paths[0]);
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      for (const path of paths) {
        if (path !== paths[0]) await page.goto(path);
        await page.waitForLoadState('networkidle');
        // The markup is there, as text.
        if (path.startsWith('/use-cases') || path.startsWith('/audit/events/')) await page.getByText('data-injected=', { exact: false }).first().waitFor();
        expect({ path, injected: await page.evaluate('document.querySelectorAll("[data-injected]").length + ":" + String(window.__injected)') }).toEqual({ path, injected: '0:undefined' });
      }
      expect(dialogs).toEqual([]);
      await context.close();
    }
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
