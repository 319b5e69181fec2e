import { Browser, Page } from 'playwright-core';
import { adminUser, givenUser, TestUser } from '../support';
import { describeInBrowser, launchChromium, screenshot, seriousAccessibilityViolations, signedInPage, startWebApp, WebApp } from './support/browser';

/** Once a dialog has finished fading in: axe measures contrast as it is painted, and a half-opaque dialog fails it. */
async function dialogSettled(page: Page) {
  await page.getByRole('dialog').last().waitFor();
  // Polled with page.evaluate: waitForFunction evaluates in the page, where the Content-Security-Policy forbids it.
  const settled = "[...document.querySelectorAll('[role=dialog]')].every((el) => getComputedStyle(el).opacity === '1' && !el.getAnimations({ subtree: true }).length)";
  for (let tries = 0; !(await page.evaluate<boolean>(settled)); tries++) {
    if (tries > 50) throw new Error('the dialog never finished opening');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeInBrowser('the compliance officer’s and the administrator’s screens', () => {
  let web: WebApp;
  let browser: Browser;
  let officer: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebApp(), launchChromium()]);
    officer = await givenUser(web.t, { roles: ['compliance_officer'], name: 'officer' });
    admin = await adminUser(web.t);
  });
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it('filters the trail in the URL, exports it, verifies the chain and opens one event', async () => {
    const { context, page } = await signedInPage(browser, web.baseUrl, officer, '/audit');
    await page.getByRole('heading', { name: 'Audit trail', level: 1 }).waitFor();
    await page.getByRole('link', { name: /^Event \d+$/ }).first().waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await page.getByLabel('Action').fill('user.created');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/action=user\.created/);
    await page.getByRole('cell', { name: 'user.created' }).first().waitFor();
    expect(await page.getByRole('cell', { name: 'audit.read', exact: true }).count()).toBe(0);
    const ndjson = await page.getByRole('link', { name: 'Export NDJSON' }).getAttribute('href');
    expect(ndjson).toBe('/api/audit/export?action=user.created&format=ndjson');
    const exported = await context.request.get(ndjson!);
    expect(exported.status()).toBe(200);
    const lines = (await exported.text()).trim().split('\n').map((line) => JSON.parse(line) as { action: string });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((event) => event.action === 'user.created')).toBe(true);
    expect(await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')).toBe('/api/audit/export?action=user.created&format=csv');

    await page.getByRole('button', { name: 'Verify the chain' }).click();
    const verdict = page.getByRole('region', { name: 'Verification verdict' });
    await verdict.getByText(/intact up to seq \d+/).waitFor();
    expect(await page.getByTestId('verified-head-hash').textContent()).toMatch(/^[0-9a-f]{64}$/);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'audit-trail');

    await page.goBack();
    await page.waitForURL((url) => !url.search.includes('action='));
    expect(await page.getByLabel('Action').inputValue()).toBe('');

    await page.getByRole('link', { name: 'Event 2', exact: true }).click();
    await page.getByRole('heading', { name: 'Audit event 2', level: 1 }).waitFor();
    expect(await page.getByTestId('event-hash').textContent()).toMatch(/^[0-9a-f]{64}$/);
    await page.getByText(/Matches the hash of event 1/).waitFor();
    await screenshot(page, 'audit-event');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByRole('link', { name: /Previous event \(seq 1\)/ }).click();
    await page.getByRole('heading', { name: 'Audit event 1', level: 1 }).waitFor();
    await page.getByText('This is the first event of the chain.').waitFor();
    await context.close();
  });

  it('shows the Statement of Applicability and links the evidence pack', async () => {
    const { context, page } = await signedInPage(browser, web.baseUrl, officer, '/compliance');
    await page.getByRole('heading', { name: 'Statement of Applicability' }).waitFor();
    await page.getByRole('rowheader', { name: 'A.6.2.4' }).waitFor();
    expect(await page.getByRole('button', { name: /^Edit A\./ }).count()).toBe(38);
    await screenshot(page, 'compliance');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByLabel('Include the evidence files').check();
    expect(await page.getByRole('link', { name: 'Download the evidence pack' }).getAttribute('href')).toBe('/api/compliance/iso42001/pack?files=true');

    await page.getByRole('button', { name: 'Edit A.10.4' }).click();
    await page.getByRole('dialog').getByLabel('Applicable').uncheck({ force: true });
    await page.getByRole('button', { name: 'Save control' }).click();
    await page.getByText('An excluded control needs a justification.').waitFor();
    await page.getByRole('dialog').getByLabel('Justification').fill('No AI system is offered to customers.');
    await page.getByRole('button', { name: 'Save control' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.getByRole('row', { name: /A\.10\.4/ }).getByText('Excluded').waitFor();
    await context.close();
  });

  it('lets an administrator manage people, teams, keys and policies, and says why the server refuses', async () => {
    const { context, page } = await signedInPage(browser, web.baseUrl, admin, '/admin/users');
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'New user' }).click();
    const email = `lee-${Date.now()}@example.com`;
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Display name').fill('Lee Legal');
    await page.getByLabel('Initial password').fill('short');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByText('A person needs a password of 12 characters or more.').waitFor();
    await page.getByLabel('Initial password').fill('a long enough password');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('rowheader', { name: 'Lee Legal' }).waitFor();

    await page.getByRole('button', { name: 'Manage Lee Legal' }).click();
    const manage = page.getByRole('dialog', { name: 'Manage Lee Legal' });
    await dialogSettled(page);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await manage.getByLabel('Legal', { exact: true }).check();
    await page.getByRole('row', { name: /Lee Legal/ }).getByText('Legal', { exact: true }).waitFor();
    await page.keyboard.press('Escape');

    const [me] = await web.t.dataSource.query('SELECT display_name FROM users WHERE id = $1', [admin.id]);
    await page.getByRole('button', { name: `Manage ${me.display_name}` }).click();
    const manageMe = page.getByRole('dialog', { name: `Manage ${me.display_name}` });
    // click, not check(): the refusal undoes the tick at once, and check() would call that a failed click.
    await manageMe.getByLabel('Assessor', { exact: true }).click();
    await manageMe.getByText('You cannot grant yourself a role.').waitFor();
    expect(await manageMe.getByLabel('Assessor', { exact: true }).isChecked()).toBe(false);
    await page.keyboard.press('Escape');

    await page.goto('/admin/teams');
    await page.getByLabel('Team name').fill('Claims AI');
    await page.getByRole('button', { name: 'Create team' }).click();
    const team = page.getByRole('region', { name: 'Claims AI' });
    await team.waitFor();
    await team.getByLabel('Person').fill('Lee Legal');
    await page.getByRole('option', { name: /Lee Legal/ }).click();
    await team.getByRole('button', { name: 'Add member' }).click();
    await team.getByRole('cell', { name: 'Lee Legal', exact: true }).waitFor();
    await team.getByLabel('Person').fill(me.display_name);
    await page.getByRole('option', { name: new RegExp(`${me.display_name}.*you`) }).click();
    await team.getByRole('button', { name: 'Add member' }).click();
    await team.getByText('You cannot add yourself to a team.').waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await page.goto('/api-keys');
    await page.getByLabel('Key name').fill('release pipeline');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = page.getByRole('dialog', { name: 'Your new API key' });
    const token = await secret.getByTestId('new-api-key-token').textContent();
    expect(token).toMatch(/^\S{20,}$/);
    await dialogSettled(page);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await secret.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByRole('button', { name: 'Revoke release pipeline' }).click();
    await page.getByRole('button', { name: 'Revoke key' }).click();
    await page.getByRole('row', { name: /release pipeline/ }).getByText(/^Revoked/).waitFor();
    expect(await page.content()).not.toContain(token!);

    await page.goto('/admin/gate-policies');
    await page.getByRole('heading', { name: 'Design to develop' }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByLabel('Policy document (JSON)').fill('{"name": "broken", "checklistItems": {}, "gates": {}}');
    await page.getByRole('button', { name: 'Publish version' }).click();
    await page.getByRole('alert').getByText('document.gates', { exact: false }).first().waitFor();
    await context.close();
  });
});
