import { bearer, createTestApp, givenUser, TestApp, TestUser } from './support';
import { givenReviewWorld, givenUseCaseAt, openReview, ReviewWorld, signOff } from './support/review-world';

interface SoaControl {
  controlId: string;
  applicable: boolean;
  justification: string | null;
  status: string | null;
  ownerId: string | null;
  evidence: { source: string; name: string; count: number; latestAt: string | null }[];
  latestEvidenceAt: string | null;
}

describe('the Statement of Applicability', () => {
  let t: TestApp;
  let world: ReviewWorld;
  let officer: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    world = await givenReviewWorld(t);
    officer = await givenUser(t, { roles: ['compliance_officer'] });
  });
  afterAll(() => t.close());

  const soa = async () => (await t.http().get('/api/compliance/iso42001/soa').set(bearer(officer.token)).expect(200)).body as { version: number; controls: SoaControl[] };
  const control = async (id: string) => (await soa()).controls.find((c) => c.controlId === id)!;
  const edit = (id: string, body: Record<string, unknown>, as: TestUser = officer) =>
    t.http().patch(`/api/compliance/iso42001/soa/controls/${id}`).set(bearer(as.token)).send(body);

  it('lists the 38 Annex A controls, all applicable and not yet assessed before anyone edits it', async () => {
    const statement = await soa();
    expect(statement.version).toBe(0);
    expect(statement.controls).toHaveLength(38);
    expect(statement.controls.every((c) => c.applicable && c.status === 'not_assessed' && c.ownerId === null)).toBe(true);
  });

  it("fills in each control's evidence from the records, through the gate policy's mapping", async () => {
    const before = await control('A.6.2.2');
    const useCaseId = await givenUseCaseAt(t, world, 'minimal');
    const review = await openReview(t, world, useCaseId, 'design_to_develop', 'minimal');
    await signOff(t, world.developer, review.id, 'developer', review.revision).expect(201);

    // design_to_develop is mapped to A.6.2.2 (requirements and specification): one more passed gate.
    const after = await control('A.6.2.2');
    const gate = (c: SoaControl) => c.evidence.find((e) => e.source === 'gate' && e.name === 'design_to_develop')?.count ?? 0;
    expect(gate(after)).toBe(gate(before) + 1);
    expect(after.latestEvidenceAt).toEqual(expect.any(String));
    // design.define_use_case (answered for the gate) is mapped to A.9.4, intended use.
    expect((await control('A.9.4')).evidence).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'checklist_item', name: 'design.define_use_case' })]));
    // A control nothing maps to has no evidence: A.2.3 is organisational.
    expect((await control('A.2.2')).evidence).toEqual([]);
  });

  it('is edited one control at a time by compliance officers and admins, each edit a version and an audit event', async () => {
    const start = (await soa()).version;
    const excluded = await edit('A.10.4', { basedOnVersion: start, applicable: false }).expect(422);
    expect(excluded.body.errors).toEqual([expect.objectContaining({ field: 'justification' })]);

    const res = await edit('A.10.4', { basedOnVersion: start, applicable: false, justification: 'No AI system is offered to customers.', note: 'scoping' }).expect(200);
    expect(res.body.version).toBe(start + 1);
    expect(res.body.controls.find((c: SoaControl) => c.controlId === 'A.10.4')).toMatchObject({ applicable: false, status: null, justification: 'No AI system is offered to customers.' });

    const owned = await edit('A.6.2.4', { basedOnVersion: start + 1, status: 'implemented', ownerId: world.legal.id });
    expect([owned.status, owned.body.errors]).toEqual([200, undefined]);
    const [event] = await t.dataSource.query(`SELECT actor_id, reason, payload FROM audit_events WHERE action = 'soa.control_updated' AND target_id = 'A.10.4'`);
    expect(event).toMatchObject({
      actor_id: officer.id,
      reason: 'scoping',
      payload: { before: { applicable: true, status: 'not_assessed' }, after: { applicable: false, status: null }, version: start + 1, controlId: 'A.10.4' },
    });
    const versions = (await t.http().get('/api/compliance/iso42001/soa/versions').set(bearer(officer.token)).expect(200)).body;
    expect(versions.slice(0, 2).map((v: { changedControl: string }) => v.changedControl)).toEqual(['A.6.2.4', 'A.10.4']);
  });

  it('refuses an edit made on an older version, an unknown control, an owner who is not an active person, and other roles', async () => {
    const { version } = await soa();
    const stale = await edit('A.3.2', { basedOnVersion: version - 1, status: 'planned' }).expect(409);
    expect(stale.body).toMatchObject({ type: 'urn:gatehouse:problem:soa-version-stale', currentVersion: version });
    const unknown = await edit('A.11.2', { basedOnVersion: version, status: 'planned' }).expect(422);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'controlId' })]);
    await edit('A.3.2', { basedOnVersion: version, ownerId: '00000000-0000-4000-8000-000000000000' }).expect(422);
    await edit('A.3.2', { basedOnVersion: version, status: 'done' }).expect(422);
    await edit('A.3.2', { basedOnVersion: version, status: 'planned' }, world.legal).expect(403);
    await t.http().get('/api/compliance/iso42001/soa').set(bearer(world.developer.token)).expect(403);
    expect((await soa()).version).toBe(version);
  });

  it('keeps every version as it was: the service cannot rewrite one', async () => {
    await expect(t.dataSource.query(`UPDATE soa_versions SET note = 'rewritten'`)).rejects.toThrow();
    await expect(t.dataSource.query('DELETE FROM soa_versions')).rejects.toThrow();
  });
});
