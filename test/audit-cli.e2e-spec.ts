import * as path from 'node:path';
import { createTestApp, TestApp } from '@app/testing';
import { createWidgetAudited, createWidgetTable, headSeq, tamperAsSuperuser } from './support/audit-helpers';
import { runCommand } from './support/run-command';

const CLI = path.join(__dirname, '..', 'dist', 'apps', 'api', 'src', 'cli', 'audit-verify.js');

/** Runs the built `npm run audit:verify` entry point against the test database. */
function auditVerify(t: TestApp, ...args: string[]) {
  return runCommand(process.execPath, [CLI, ...args], { ...process.env, DATABASE_URL: t.database.url, LOG_LEVEL: 'silent' });
}

describe('npm run audit:verify', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await createWidgetTable(t);
    for (let i = 1; i <= 5; i++) await createWidgetAudited(t, `w${i}`);
  });
  afterAll(() => t.close());

  it('prints "intact up to seq N, head hash H" and exits 0', async () => {
    const head = await headSeq(t);
    const result = await auditVerify(t);
    expect(result.code).toBe(0);
    expect(result.output).toMatch(new RegExp(`^intact up to seq ${head}, head hash [0-9a-f]{64} \\(${head} events checked from seq 1\\)$`));
  });

  it('checks a range and prints JSON on request', async () => {
    const result = await auditVerify(t, '--from', '2', '--to', '4', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.output)).toMatchObject({ intact: true, fromSeq: 2, toSeq: 4, eventsChecked: 3 });
  });

  it('names the first broken event and exits 2', async () => {
    await tamperAsSuperuser(t, `UPDATE audit_events SET target_id = '999' WHERE seq = 3`);
    const result = await auditVerify(t);
    expect(result.code).toBe(2);
    expect(result.output).toMatch(/^broken at seq 3 \(event [0-9a-f-]{36}\): hash_mismatch/);
  });

  it('refuses a malformed option', async () => {
    const result = await auditVerify(t, '--from', 'zero');
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/--from/);
  });
});
