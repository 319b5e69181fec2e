import { existsSync } from 'node:fs';

/** Where a Chromium may be: GATEHOUSE_CHROMIUM first, then Debian's and other common paths. */
const CANDIDATES = [process.env.GATEHOUSE_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** GATEHOUSE_SKIP_BROWSER=1 skips the suite on purpose (CI's second run, on another PostgreSQL, where the browser adds nothing). */
export const BROWSER_SUITE_SKIPPED_ON_PURPOSE = process.env.GATEHOUSE_SKIP_BROWSER === '1';

/** The Chromium the browser suite drives, or undefined when the machine has none or the suite is skipped. */
export const CHROMIUM_PATH = BROWSER_SUITE_SKIPPED_ON_PURPOSE ? undefined : CANDIDATES.find((candidate): candidate is string => !!candidate && existsSync(candidate));

export const BROWSER_SUITE_SKIPPED_LINE = BROWSER_SUITE_SKIPPED_ON_PURPOSE
  ? 'Browser suite skipped: GATEHOUSE_SKIP_BROWSER=1.'
  : 'Browser suite skipped: no Chromium found. Install Debian\'s package (apt-get install chromium) or set GATEHOUSE_CHROMIUM to a Chromium executable.';
