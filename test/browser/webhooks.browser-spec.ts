import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Browser, Page } from 'playwright-core';
import { adminUser, TestUser } from '../support';
import { describeInBrowser, launchChromium, seriousAccessibilityViolations, signedInPage, startWebApp, WebApp } from './support/browser';

/** An administrator registers a webhook in the browser, copies its secret once, and sees deliveries arrive. */
describeInBrowser('webhooks in the web app', () => {
  let web: WebApp;
  let browser: Browser;
  let admin: TestUser;
  let receiver: Server;
  let receiverUrl: string;
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    [web, browser] = await Promise.all([
      startWebApp({ GATEHOUSE_WEBHOOK_ALLOW_HTTP: 'true', GATEHOUSE_WEBHOOK_ALLOW_LOOPBACK: 'true', GATEHOUSE_WEBHOOK_POLL_MS: '100' }),
      launchChromium(),
    ]);
    admin = await adminUser(web.t);
  });
  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('registers an endpoint, shows its secret once, and lists what was delivered to it', async () => {
    const { context, page } = await signedInPage(browser, web.baseUrl, admin, '/admin/webhooks');
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await page.getByRole('textbox', { name: /^Endpoint URL/ }).fill('ftp://example.com/hook');
    await page.getByRole('button', { name: 'Register endpoint' }).click();
    await page.getByRole('alert').filter({ hasText: 'The endpoint was not registered' }).waitFor();

    await page.getByRole('textbox', { name: /^Endpoint URL/ }).fill(receiverUrl);
    await page.getByRole('textbox', { name: /^Event types/ }).fill('webhook.*');
    await page.getByRole('button', { name: 'Register endpoint' }).click();
    const secret = (await page.getByTestId('webhook-secret').textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await expect(page.getByTestId('webhook-secret').count()).resolves.toBe(0);

    // Its own registration is an audit event of the kind it asked for: it arrives, signed.
    await waitFor(() => received.length > 0);
    expect(received[0].headers['webhook-signature']).toMatch(/^v1,/);
    expect(JSON.parse(received[0].body).type).toBe('webhook.created');

    await page.getByRole('button', { name: 'Show recent deliveries' }).click();
    await page.getByRole('cell', { name: 'Delivered (204)' }).first().waitFor();
    await expect(page.getByText('secret', { exact: false }).allTextContents()).resolves.not.toContain(secret);
    await rotate(page);
    await context.close();
  });
});

async function rotate(page: Page) {
  await page.getByRole('button', { name: 'Rotate secret' }).click();
  await page.getByRole('dialog', { name: 'Rotate the signing secret' }).getByRole('button', { name: 'Rotate' }).click();
  expect((await page.getByTestId('webhook-secret').textContent())!.trim()).toMatch(/^whsec_/);
  await page.getByRole('button', { name: 'I have stored it' }).click();
}

async function waitFor(done: () => boolean, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('waited in vain');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
