import e2eGlobalSetup from '../global-setup';
import { BROWSER_SUITE_SKIPPED_LINE, CHROMIUM_PATH } from './support/chromium';

/** The database as for the end-to-end specs; without a Chromium, one clear line says the browser suite is skipped. */
export default async function browserGlobalSetup() {
  if (!CHROMIUM_PATH) {
    process.stdout.write(`\n${BROWSER_SUITE_SKIPPED_LINE}\n`);
    return;
  }
  await e2eGlobalSetup();
}
