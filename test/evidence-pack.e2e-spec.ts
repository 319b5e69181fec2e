import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SignedCheckpoint, verifyCheckpointSignature } from '@app/audit';
import { bearer, createTestApp, givenUser, TestApp, TestUser } from './support';
import { downloadPack as downloadPackAs } from './support/evidence-pack';
import { givenReviewWorld, givenUseCaseAt, openReview, ReviewWorld, signOff } from './support/review-world';
import { runCommand } from './support/run-command';

const PYTHON_VERIFIER = path.join(__dirname, 'support', 'verify_audit_export.py');

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('the ISO/IEC 42001 evidence pack', () => {
  let t: TestApp;
  let world: ReviewWorld;
  let officer: TestUser;
  let work: string;

  beforeAll(async () => {
    t = await createTestApp();
    world = await givenReviewWorld(t);
    officer = await givenUser(t, { roles: ['compliance_officer'] });
    work = await mkdtemp(path.join(tmpdir(), 'gatehouse-pack-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
    await t.close();
  });

  /** A pack as an auditor receives it: a ZIP, unzipped, with its manifest read. */
  async function downloadPack(query: Record<string, string>, name: string) {
    const pack = await downloadPackAs(t, officer.token, work, query, name);
    expect({ status: pack.status, contentType: pack.contentType, unzipped: pack.unzipped }).toEqual({ status: 200, contentType: 'application/zip', unzipped: true });
    return { ...pack, manifest: JSON.parse(await pack.text('manifest.json')), files: await pack.files() };
  }

  it('holds a walk through a gate: every file hashed in a signed manifest, the trail verified from the pack alone, each sign-off in the dossier', async () => {
    const useCaseId = await givenUseCaseAt(t, world, 'limited');
    const review = await openReview(t, world, useCaseId, 'design_to_develop', 'limited');
    const signed = [];
    for (const [user, role] of [[world.developer, 'developer'], [world.deployer, 'deployer'], [world.legal, 'legal']] as const) {
      signed.push((await signOff(t, user, review.id, role, review.revision).expect(201)).body.signOff);
    }
    const pack = await downloadPack({}, 'whole');

    // 1. Every file but the manifest and its signature is listed with its SHA-256, and nothing listed is missing.
    const listed = pack.manifest.files.map((f: { path: string }) => f.path).sort();
    expect(listed).toEqual(pack.files.filter((f) => !['manifest.json', 'manifest.sig.json'].includes(f)));
    for (const file of pack.manifest.files as { path: string; sha256: string; bytes: number }[]) {
      const bytes = await pack.read(file.path);
      expect({ path: file.path, sha256: sha256(bytes), bytes: bytes.length }).toEqual(file);
    }

    // 2. The manifest is signed with the checkpoint key the service publishes.
    const published = (await t.http().get('/api/audit/public-key').set(bearer(officer.token)).expect(200)).body;
    const key = createPublicKey(published.publicKey ?? published.current?.publicKey);
    const signature = JSON.parse((await pack.read('manifest.sig.json')).toString('utf8'));
    expect(signature.keyId).toBe(pack.manifest.auditTrail.checkpoint.keyId);
    expect(verify(null, await pack.read('manifest.json'), key, Buffer.from(signature.signature, 'base64'))).toBe(true);
    const forged = Buffer.from((await pack.read('manifest.json')).toString('utf8').replace('"formatVersion": 1', '"formatVersion": 2'));
    expect(verify(null, forged, key, Buffer.from(signature.signature, 'base64'))).toBe(false);

    // 3. The trail's slice verifies with the independent verifier and ends at the signed checkpoint.
    const checkpoint: SignedCheckpoint = JSON.parse((await pack.read('audit-trail/checkpoint.json')).toString('utf8'));
    expect(verifyCheckpointSignature(checkpoint, key)).toEqual({ valid: true });
    const { fromSeq, prevHash } = pack.manifest.auditTrail;
    const range = prevHash ? ['--from-seq', String(fromSeq), '--prev-hash', prevHash] : [];
    const verified = await runCommand('python3', [PYTHON_VERIFIER, ...range, '--known-head', `seq=${checkpoint.seq}; hash=${checkpoint.headHash}`, path.join(pack.dir, 'audit-trail/events.ndjson')]);
    expect(verified.output.trim()).toBe(`intact up to seq ${checkpoint.seq}, head hash ${checkpoint.headHash}`);
    expect(verified.code).toBe(0);
    const events = (await pack.read('audit-trail/events.ndjson')).toString('utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(events.some((e) => e.action === 'compliance.pack_exported' && e.actor.id === officer.id)).toBe(true);

    // 4. The dossier names each sign-off of the walk: who, in which role, on which revision and content hash, at which audit seq.
    const dossier = JSON.parse((await pack.read(`use-cases/${useCaseId}/dossier.json`)).toString('utf8'));
    for (const s of signed) {
      const inDossier = dossier.signOffs.find((d: { id: string }) => d.id === s.id);
      expect(inDossier).toMatchObject({ signerId: s.signerId, role: s.role, decision: 'approve', revision: review.revision, contentHash: s.contentHash });
      expect(events.find((e) => e.seq === inDossier.auditSeq)).toMatchObject({ action: 'sign_off.recorded', target: { id: s.id }, payload: { contentHash: s.contentHash } });
    }
    expect(dossier.reviews).toEqual([expect.objectContaining({ id: review.id, status: 'passed' })]);
    expect(dossier.evidence.length).toBeGreaterThan(0);

    // 5. The rest an auditor opens: the inventory, the SoA, the policy in force, roles, metrics and a readable report.
    expect((await pack.read('inventory.csv')).toString('utf8')).toContain(useCaseId);
    expect(JSON.parse((await pack.read('soa.json')).toString('utf8')).controls).toHaveLength(38);
    expect((await pack.read('soa.csv')).toString('utf8').split('\n')[0]).toBe('control,title,applicable,justification,status,owner,evidence,latest_evidence_at');
    expect(pack.files).toContain('policies/gate-policy-v1.json');
    expect((await pack.read('roles.csv')).toString('utf8')).toContain(`${world.legal.id},legal,`);
    expect(JSON.parse((await pack.read('metrics.json')).toString('utf8')).gates).toEqual(expect.arrayContaining([expect.objectContaining({ gate: 'design_to_develop', status: 'passed' })]));
    const report = (await pack.read('report.html')).toString('utf8');
    expect(report).toContain(s0(signed).contentHash);
    expect((await pack.read('audit-trail/VERIFY.md')).toString('utf8')).toContain(checkpoint.headHash);
  });

  it('carries the evidence files themselves when asked, byte for byte, and records the download', async () => {
    const useCaseId = await givenUseCaseAt(t, world, 'minimal');
    const bytes = Buffer.concat([Buffer.from('%PDF-1.7 model card\n'), Buffer.from([0, 255, 13, 10])]);
    const uploaded = await t.http().post(`/api/use-cases/${useCaseId}/evidence`).set(bearer(world.opener.token))
      .field('kind', 'model_card').field('title', 'Model card').attach('file', bytes, { filename: 'model card (v1).pdf', contentType: 'application/pdf' }).expect(201);
    const pack = await downloadPack({ files: 'true' }, 'with-files');
    const name = `use-cases/${useCaseId}/evidence/${uploaded.body.id}-model_card_v1_.pdf`;
    expect(pack.files).toContain(name);
    expect(Buffer.compare(await pack.read(name), bytes)).toBe(0);
    expect(pack.manifest.files).toEqual(expect.arrayContaining([{ path: name, sha256: sha256(bytes), bytes: bytes.length }]));
    const [recorded] = await t.dataSource.query(`SELECT payload FROM audit_events WHERE action = 'compliance.pack_exported' ORDER BY seq DESC LIMIT 1`);
    expect(recorded.payload).toEqual({ from: null, to: expect.any(String), files: true });
    // Without files=true, only the index.
    expect((await downloadPack({}, 'index-only')).files.some((file) => file.includes('/evidence/'))).toBe(false);
  });

  it('takes a period, refuses a backwards one, and is for compliance officers and admins only', async () => {
    const now = new Date();
    const pack = await downloadPack({ from: new Date(now.getTime() - 1000).toISOString(), to: new Date(now.getTime() + 60_000).toISOString() }, 'recent');
    expect(pack.manifest.auditTrail.fromSeq).toBeGreaterThan(1);
    expect(pack.manifest.auditTrail.prevHash).toMatch(/^[0-9a-f]{64}$/);
    const refused = await t.http().get('/api/compliance/iso42001/pack').query({ from: now.toISOString(), to: now.toISOString() }).set(bearer(officer.token)).expect(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'from' })]);
    for (const from of ['yesterday', '1', '2026-02-30T00:00:00Z']) {
      const notADate = await t.http().get('/api/compliance/iso42001/pack').query({ from }).set(bearer(officer.token)).expect(422);
      expect(notADate.body.errors).toEqual([{ field: 'from', detail: 'from must be an ISO 8601 date-time' }]);
    }
    const future = await t.http().get('/api/compliance/iso42001/pack').query({ from: new Date(now.getTime() + 3_600_000).toISOString(), to: new Date(now.getTime() + 7_200_000).toISOString() }).set(bearer(officer.token)).expect(422);
    expect(future.body.errors).toEqual([{ field: 'from', detail: 'from must not be in the future' }]);
    await t.http().get('/api/compliance/iso42001/pack').set(bearer(world.legal.token)).expect(403);
  });
});

function s0<T>(list: T[]): T {
  return list[0];
}
