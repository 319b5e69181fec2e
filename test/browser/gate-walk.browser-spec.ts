import { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { adminUser, bearer, givenTeam, givenUser, TestUser } from '../support';
import { describeInBrowser, launchChromium, screenshot, seriousAccessibilityViolations, signedInPage, startWebApp, WebApp } from './support/browser';

/**
 * The walk, in the browser alone: a team member registers a high-risk use case and
 * gets it ready, the gate's to-do list says what is missing, a second developer, legal and
 * two independent assessors sign in browser sessions of their own (one with the keyboard
 * only), an assessor on the team is refused and told why, the gate passes, and a
 * compliance officer verifies and exports the trail.
 */
describeInBrowser('a high-risk use case through its first gate, in the browser', () => {
  let web: WebApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let people: Record<'opener' | 'developer' | 'legal' | 'assessor1' | 'assessor2' | 'teamAssessor' | 'compliance', TestUser>;
  let teamId: string;
  let useCaseId: string;
  let reviewId: string;

  const sessionOf = async (person: TestUser, path: string): Promise<Page> => {
    const { context, page } = await signedInPage(browser, web.baseUrl, person, path);
    contexts.push(context);
    return page;
  };
  const accessible = async (page: Page, screen: string) => expect({ screen, violations: await seriousAccessibilityViolations(page) }).toEqual({ screen, violations: [] });

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebApp(), launchChromium()]);
    const t = web.t;
    teamId = (await givenTeam(t, 'Claims AI')).id;
    people = {
      opener: await givenUser(t, { teams: [{ teamId, role: 'developer' }], name: 'opener' }),
      developer: await givenUser(t, { teams: [{ teamId, role: 'developer' }], name: 'developer' }),
      legal: await givenUser(t, { roles: ['legal'], name: 'legal' }),
      assessor1: await givenUser(t, { roles: ['assessor'], name: 'assessor1' }),
      assessor2: await givenUser(t, { roles: ['assessor'], name: 'assessor2' }),
      // An assessor who is also on the use case's team: not independent.
      teamAssessor: await givenUser(t, { roles: ['assessor'], teams: [{ teamId, role: 'developer' }], name: 'team-assessor' }),
      compliance: await givenUser(t, { roles: ['compliance_officer'], name: 'compliance' }),
    };
    // The organisation's policy for this walk: at design → develop a high-risk use case needs a developer,
    // legal and two independent assessors, a risk assessment and two checklist answers.
    const admin = await adminUser(t);
    const current = (await t.http().get('/api/gate-policies/current').set(bearer(admin.token)).expect(200)).body.document;
    current.gates.design_to_develop.high = {
      signOffs: [
        { role: 'developer', quorum: 1 },
        { role: 'legal', quorum: 1 },
        { role: 'assessor', quorum: 2 },
      ],
      evidence: [{ kind: 'risk_assessment' }],
      checklist: ['design.define_use_case', 'design.assess_risks'],
    };
    await t.http().post('/api/gate-policies').set(bearer(admin.token)).send({ document: current, note: 'two assessors for high risk' }).expect(201);
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await web?.close();
  });

  it('a team member registers the use case, rates its risk and is shown what the gate still needs', async () => {
    const page = await sessionOf(people.opener, '/use-cases');
    await page.getByRole('button', { name: 'Register a use case' }).click();
    const field = (name: string) => page.getByRole('textbox', { name, exact: true });
    await field('Title').fill('Claims triage assistant');
    await field('Business problem').fill('Claims wait days before reaching the right handler.');
    await field('Workflow').fill('A text classifier proposes a queue; a handler confirms it.');
    await field('Inputs').fill('claim text\npolicy type');
    await field('Outputs').fill('proposed queue');
    await field('Stakeholder 1 name').fill('claimants');
    await field('Stakeholder 1 objectives').fill('fast and fair handling');
    await field('Intended use').fill('Suggest a queue for a human handler to confirm.');
    await field('Foreseeable misuse').fill('Letting the proposed queue decide without review.');
    await page.getByRole('combobox', { name: 'AI role' }).selectOption('deployer');
    await page.getByRole('combobox', { name: 'Developer team' }).selectOption(teamId);
    await page.getByRole('combobox', { name: 'Deployer team' }).selectOption(teamId);
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await page.waitForURL(/\/use-cases\/[0-9a-f-]{36}/);
    useCaseId = /\/use-cases\/([0-9a-f-]{36})/.exec(page.url())![1];

    await page.getByRole('link', { name: /^Risks/ }).click();
    await page.getByRole('button', { name: 'Add risk' }).click();
    await page.getByRole('textbox', { name: 'Description', exact: true }).fill('A claimant is routed to the wrong handler and paid late.');
    await page.getByRole('combobox', { name: 'Category' }).selectOption('fairness');
    await page.getByRole('combobox', { name: 'Severity' }).selectOption('5');
    await page.getByRole('combobox', { name: 'Likelihood' }).selectOption('4');
    await page.getByRole('button', { name: 'Save risk' }).click();
    expect(await eventually(() => tierOf(web, useCaseId, people.opener), (tier) => tier === 'high')).toBe('high');

    await page.getByRole('link', { name: 'Reviews', exact: true }).click();
    await page.getByRole('button', { name: 'Open review' }).click();
    const todo = page.getByRole('heading', { name: 'What the gate still needs' });
    await todo.waitFor();
    await expect(page.getByRole('main').textContent()).resolves.toMatch(/risk assessment/i);
    await accessible(page, 'gate to-do list');
    await screenshot(page, 'gate-todo');
  });

  it('the team member uploads the evidence, answers the checklist and opens the review', async () => {
    const page = await sessionOf(people.opener, `/use-cases/${useCaseId}/evidence`);
    const upload = page.getByRole('region', { name: 'Upload evidence' }).or(page.locator('form', { has: page.getByRole('button', { name: 'Upload', exact: true }) }));
    await upload.first().getByRole('combobox', { name: 'Kind' }).selectOption('risk_assessment');
    await upload.first().getByRole('textbox', { name: 'Title', exact: true }).fill('Risk assessment v1');
    await page.getByLabel('File').setInputFiles({ name: 'risk-assessment.txt', mimeType: 'text/plain', buffer: Buffer.from('Severity 5, likelihood 4: a human confirms every queue.\n') });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByRole('link', { name: 'Download Risk assessment v1' }).waitFor();
    await accessible(page, 'evidence');

    await page.goto(`/use-cases/${useCaseId}/checklist`);
    await page.getByRole('combobox', { name: 'Answer' }).first().waitFor();
    for (const item of await page.getByRole('combobox', { name: 'Answer' }).all()) {
      await item.selectOption('yes');
      const save = item.locator('xpath=ancestor::form[1]').getByRole('button', { name: 'Save answer' });
      await save.click();
      await save.locator('xpath=ancestor::form[1]').getByText('Saved').waitFor();
    }
    expect(await eventually(() => checklistAnswers(web, useCaseId, people.opener), (answers) => answers.length >= 2)).toEqual(expect.arrayContaining(['design.define_use_case', 'design.assess_risks']));

    await page.goto(`/use-cases/${useCaseId}/reviews`);
    await page.getByRole('button', { name: 'Open review' }).click();
    const toReview = page.getByRole('status').getByRole('link', { name: 'Go to the review' });
    await toReview.waitFor();
    reviewId = /\/reviews\/([0-9a-f-]{36})/.exec((await toReview.getAttribute('href'))!)![1];
    await screenshot(page, 'use-case-review-open');
  });

  it('legal finds it in the inbox, with why they may sign and what the gate needs, and approves with a condition', async () => {
    // Told, not left to poll: the review's opening notified legal, with a link to it.
    const page = await sessionOf(people.legal, '/notifications');
    await page.getByRole('link', { name: /^Notifications \(1 unread\)/ }).waitFor();
    const notice = page.getByRole('article').filter({ hasText: 'Claims triage assistant' });
    await expect(notice.getByRole('link', { name: 'Open' }).getAttribute('href')).resolves.toBe(`/reviews/${reviewId}`);
    await accessible(page, 'notifications');

    await page.goto('/inbox');
    const row = page.getByRole('row', { name: /Claims triage assistant/ });
    await row.waitFor();
    await expect(row.textContent()).resolves.toMatch(/Legal/);
    await accessible(page, 'inbox');
    await screenshot(page, 'inbox');

    await row.getByRole('link', { name: 'Claims triage assistant' }).click();
    await page.waitForURL(`**/reviews/${reviewId}`);
    await page.getByRole('heading', { name: 'Sign-offs' }).waitFor();
    await page.getByRole('main').getByText('Risk assessment v1').first().waitFor();
    await accessible(page, 'review page');
    await screenshot(page, 'review');

    await decide(page, { decision: 'Approve', comment: 'Lawful basis and notices are in place.' });
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByRole('textbox', { name: /^Condition 1/ }).fill('Publish the claimant notice before deployment.');
    await page.getByRole('textbox', { name: 'Due date of condition 1' }).fill('2027-03-31');
    await submit(page);
  });

  it('an assessor on the team is refused, and the page says it is about independence', async () => {
    const page = await sessionOf(people.teamAssessor, `/reviews/${reviewId}`);
    await page.getByRole('heading', { name: 'Your sign-off' }).waitFor();
    await page.getByRole('radio', { name: 'Independent assessor' }).check();
    await decide(page, { decision: 'Approve', comment: 'Looks fine to me.' });
    await page.getByRole('button', { name: 'Submit sign-off' }).click();
    const refusal = page.getByTestId('sign-off-problem').getByRole('alert');
    await refusal.waitFor();
    await expect(refusal.getAttribute('data-problem-code')).resolves.toBe('assessor-not-independent');
    await expect(refusal.textContent()).resolves.toMatch(/independent/i);
    await screenshot(page, 'sign-off-refused');
  });

  it('the second developer and the first assessor sign; the second assessor signs with the keyboard alone, and the gate passes', async () => {
    const developer = await sessionOf(people.developer, `/reviews/${reviewId}`);
    await decide(developer, { decision: 'Approve', comment: 'Built as described.' });
    await submit(developer);

    const assessor1 = await sessionOf(people.assessor1, `/reviews/${reviewId}`);
    await decide(assessor1, { decision: 'Approve', comment: 'Independent review done: risks are treated.' });
    await submit(assessor1);

    const assessor2 = await sessionOf(people.assessor2, `/reviews/${reviewId}`);
    await assessor2.getByRole('heading', { name: 'Your sign-off' }).waitFor();
    await tabTo(assessor2, assessor2.getByRole('radio', { name: 'Approve' }));
    await assessor2.keyboard.press('Space');
    await tabTo(assessor2, assessor2.getByRole('textbox', { name: 'Comment' }));
    await assessor2.keyboard.type('Second independent review: agreed.');
    await tabTo(assessor2, assessor2.getByRole('button', { name: 'Submit sign-off' }));
    await assessor2.keyboard.press('Enter');
    await assessor2.getByTestId('sign-off-recorded').waitFor();

    expect(await eventually(() => stageOf(web, useCaseId, people.opener), (stage) => stage === 'develop')).toBe('develop');
    await assessor2.reload();
    await assessor2.getByRole('heading', { name: 'Sign-offs' }).waitFor();
    await assessor2.getByRole('main').getByText(/^Passed/).first().waitFor();
    await screenshot(assessor2, 'review-passed');
  });

  it('a compliance officer verifies the chain and exports the trail of it', async () => {
    const page = await sessionOf(people.compliance, '/audit');
    await page.getByRole('heading', { name: 'Audit trail' }).waitFor();
    await page.getByRole('textbox', { name: 'Use case' }).fill(useCaseId);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(new RegExp(`useCaseId=${useCaseId}`));
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await page.getByRole('region', { name: 'Verification verdict' }).getByText(/intact up to seq \d+/).waitFor();
    await accessible(page, 'audit trail');
    await screenshot(page, 'audit');

    const href = await page.getByRole('link', { name: 'Export NDJSON' }).getAttribute('href');
    const exported = await page.context().request.get(href!);
    expect(exported.status()).toBe(200);
    const events = (await exported.text()).trim().split('\n').map((line) => JSON.parse(line) as { action?: string; hash?: string });
    const actions = events.map((event) => event.action);
    expect(actions).toEqual(expect.arrayContaining(['use_case.created', 'gate_review.opened', 'sign_off.recorded', 'gate_review.passed']));
    expect(actions).not.toContain('team.created');
    expect(events.every((event) => /^[0-9a-f]{64}$/.test(event.hash ?? ''))).toBe(true);
  });
});

async function decide(page: Page, { decision, comment }: { decision: 'Approve' | 'Request changes' | 'Reject'; comment: string }) {
  await page.getByRole('heading', { name: 'Your sign-off' }).waitFor();
  await page.getByRole('radio', { name: decision }).check();
  await page.getByRole('textbox', { name: 'Comment' }).fill(comment);
}

async function submit(page: Page) {
  await page.getByRole('button', { name: 'Submit sign-off' }).click();
  await page.getByTestId('sign-off-recorded').waitFor();
}

/** Presses Tab until `target` has the focus: reaching it proves it is reachable from the keyboard. */
async function tabTo(page: Page, target: Locator, limit = 150) {
  for (let presses = 0; presses < limit; presses++) {
    if (await target.evaluate((element) => element === element.ownerDocument.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${target} was not reached with ${limit} presses of Tab`);
}

/** What `read` gives once `done` holds, or after five seconds of asking: the page acts, the API tells what it did. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5_000;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

async function useCaseOf(web: WebApp, useCaseId: string, person: TestUser) {
  return (await web.t.http().get(`/api/use-cases/${useCaseId}`).set(bearer(person.token)).expect(200)).body;
}
const tierOf = async (web: WebApp, id: string, person: TestUser) => (await useCaseOf(web, id, person)).tier as string;
const stageOf = async (web: WebApp, id: string, person: TestUser) => (await useCaseOf(web, id, person)).stage as string;
const checklistAnswers = async (web: WebApp, id: string, person: TestUser) => Object.keys((await useCaseOf(web, id, person)).content.checklist ?? {});
