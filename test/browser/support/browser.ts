import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { createTestApp, TestApp } from '../../support';
import { CHROMIUM_PATH } from './chromium';

/** The browser suite runs only where a Chromium is installed; elsewhere its tests are skipped (see global-setup). */
export const describeInBrowser = CHROMIUM_PATH ? describe : describe.skip;

/** Screenshots go to dist/screenshots; SCREENSHOTS_DIR=docs/screenshots refreshes the README's. */
const SCREENSHOTS_DIR = path.resolve(__dirname, '../../..', process.env.SCREENSHOTS_DIR ?? 'dist/screenshots');

/**
 * Debian's Chromium, headless, with nothing that reaches outside the machine: without the
 * background-networking switches it tries Google's hosts at every start, and this network refuses them.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface WebApp {
  t: TestApp;
  baseUrl: string;
  close(): Promise<void>;
}

/** The real service (API and built web app) on its own database, listening on a free loopback port. */
export async function startWebApp(env: Record<string, string> = {}): Promise<WebApp> {
  const t = await createTestApp({ env });
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as { port: number };
  return { t, baseUrl: `http://127.0.0.1:${port}`, close: () => t.close() };
}

export interface Person {
  email: string;
  password: string;
}

/**
 * A person's own browser session: a fresh context (its own cookies, as a separate
 * browser would have), signed in through the sign-in page, then on `path`.
 */
export async function signedInPage(browser: Browser, baseUrl: string, person: Person, path = '/'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  await page.goto(path);
  await page.waitForURL(/\/sign-in/);
  await page.getByRole('textbox', { name: /^Email/ }).fill(person.email);
  await page.getByRole('textbox', { name: /^Password/ }).fill(person.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByTestId('signed-in-as').waitFor();
  return { context, page };
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe on the page as it is now and returns its serious and critical violations,
 * as short lines a failing expectation can print.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern.
  await page.evaluate(AXE_SOURCE);
  // A string, not a function: the test project is compiled without the DOM's types.
  const violations = await page.evaluate<AxeViolation[]>("axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations)");
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.impact} ${violation.id}: ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS_DIR, `${name}.png`), fullPage: true });
}
