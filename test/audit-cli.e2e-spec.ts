import * as path from 'node:path';
import { createTestApp, TEST_SIGNING_KEY_PEM, TestApp } from './support';
import { countRows, createWidgetAudited, createWidgetTable, forgeEventBeyondHead, headSeq, tamperAsSuperuser } from './support/audit-helpers';
import { runCommand } from './support/run-command';

const CLI = path.join(__dirname, '..', 'dist', 'apps', 'api', 'src', 'cli', 'audit-verify.js');

/** Runs the built `npm run audit:verify` entry point against the test database (with the test's signing key, so none is generated in the working tree). */
function auditVerify(t: TestApp, ...args: string[]) {
  return runCommand(process.execPath, [CLI, ...args], { ...process.env, DATABASE_URL: t.database.url, LOG_LEVEL: 'silent', GATEHOUSE_AUDIT_SIGNING_KEY: TEST_SIGNING_KEY_PEM });
}

describe('npm run audit:verify', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await createWidgetTable(t);
    for (let i = 1; i <= 5; i++) await createWidgetAudited(t, `w${i}`);
  });
  afterAll(() => t.close());

  it('prints "intact up to seq N, head hash H", records the check and exits 0', async () => {
    const head = await headSeq(t);
    const result = await auditVerify(t);
    expect(result.code).toBe(0);
    expect(result.output).toMatch(
      new RegExp(`^intact up to seq ${head}, head hash [0-9a-f]{64} \\(${head} events checked from seq 1\\)\nrecorded as audit event seq ${head + 1}$`),
    );
  });

  it('checks a range and prints JSON on request', async () => {
    const result = await auditVerify(t, '--from', '2', '--to', '4', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.output)).toMatchObject({ intact: true, fromSeq: 2, toSeq: 4, eventsChecked: 3 });
  });

  it.each([
    ['--from beyond the head', () => ['--from', String(head + 1)], /^--from: fromSeq \d+ is beyond the chain head/],
    ['--to beyond the head', () => ['--to', String(head + 1)], /^--to: toSeq \d+ is beyond the chain head/],
    ['--from after --to', () => ['--from', '3', '--to', '2'], /^--from: fromSeq 3 is after toSeq 2/],
    ['--from past the largest safe integer', () => ['--from', '99999999999999999999'], /--from.*must be an integer from 1 to 9007199254740991/],
    ['a malformed --from', () => ['--from', 'zero'], /--from/],
  ])('refuses %s (exit 1), records nothing', async (_name, args, message) => {
    head = await headSeq(t);
    const events = await countRows(t, 'audit_events');
    const result = await auditVerify(t, ...args());
    expect(result).toEqual({ code: 1, output: expect.stringMatching(message) });
    expect(await countRows(t, 'audit_events')).toBe(events);
  });
  let head = 0;

  it('names the first broken event, says the check was not recorded, and exits 2', async () => {
    await tamperAsSuperuser(t, `UPDATE audit_events SET target_id = '999' WHERE seq = 3`);
    const result = await auditVerify(t);
    expect(result.code).toBe(2);
    expect(result.output).toMatch(/^broken at seq 3 \(event [0-9a-f-]{36}\): hash_mismatch.*\nnot recorded: the chain is broken at seq 3/);
  });
});

describe('npm run audit:verify on a chain with an event beyond its head', () => {
  it('reports the break and exits 2, the same on every run, instead of failing to record', async () => {
    const t = await createTestApp();
    try {
      await createWidgetTable(t);
      for (let i = 1; i <= 3; i++) await createWidgetAudited(t, `w${i}`);
      const forged = await forgeEventBeyondHead(t);
      const runs = [await auditVerify(t), await auditVerify(t)];
      for (const run of runs) {
        expect(run.code).toBe(2);
        expect(run.output).toMatch(new RegExp(`^broken at seq ${forged.seq} \\(event ${forged.id}\\): head_mismatch`));
      }
      // The first two lines are the report; the break is also logged (to stderr, with the time).
      const report = (output: string) => output.split('\n').slice(0, 2);
      expect(report(runs[1].output)).toEqual(report(runs[0].output));
      expect(report(runs[0].output)[1]).toMatch(/^not recorded: the chain is broken/);
    } finally {
      await t.close();
    }
  });
});
