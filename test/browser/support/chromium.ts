import { existsSync } from 'node:fs';

/** Where a Chromium may be: GATEHOUSE_CHROMIUM first, then Debian's and other common paths. */
const CANDIDATES = [process.env.GATEHOUSE_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium the browser suite drives, or undefined when the machine has none (the suite is then skipped). */
export const CHROMIUM_PATH = CANDIDATES.find((candidate): candidate is string => !!candidate && existsSync(candidate));

export const BROWSER_SUITE_SKIPPED_LINE =
  'Browser suite skipped: no Chromium found. Install Debian\'s package (apt-get install chromium) or set GATEHOUSE_CHROMIUM to a Chromium executable.';
