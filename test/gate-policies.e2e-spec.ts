import { adminUser, bearer, createTestApp, givenUser, TestApp } from './support';

describe('gate policies', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = (await adminUser(t)).token;
  });
  afterAll(() => t.close());

  it('ships the default policy as version 1, readable by anyone signed in', async () => {
    const reader = await givenUser(t);
    const current = await t.http().get('/api/gate-policies/current').set(bearer(reader.token)).expect(200);
    expect(current.body).toMatchObject({ version: 1, publishedBy: 'system:bootstrap', document: { name: 'Gatehouse default gate policy' } });
    expect(current.body.document.gates.develop_to_deploy.high.signOffs).toEqual(
      expect.arrayContaining([{ role: 'assessor', quorum: 2, note: expect.any(String) }]),
    );
  });

  it('publishes a new version and never changes an old one', async () => {
    const v1 = (await t.http().get('/api/gate-policies/1').set(bearer(admin)).expect(200)).body;
    const document = structuredClone(v1.document);
    document.name = 'Stricter retirement';
    document.gates.retire.minimal.signOffs.push({ role: 'legal', quorum: 1 });
    const published = await t.http().post('/api/gate-policies').set(bearer(admin)).send({ document, note: 'legal signs every retirement' }).expect(201);
    expect(published.body).toMatchObject({ version: 2, note: 'legal signs every retirement', document: { name: 'Stricter retirement' } });
    expect(published.body.documentHash).not.toBe(v1.documentHash);

    expect((await t.http().get('/api/gate-policies/1').set(bearer(admin)).expect(200)).body).toEqual(v1);
    expect((await t.http().get('/api/gate-policies/current').set(bearer(admin))).body.version).toBe(2);
    expect((await t.http().get('/api/gate-policies').set(bearer(admin))).body.map((p: { version: number }) => p.version)).toEqual([1, 2]);
    await expect(t.dataSource.query(`UPDATE gate_policies SET note = 'edited' WHERE version = 1`)).rejects.toThrow(/immutable/);
    const [event] = await t.dataSource.query(`SELECT payload FROM audit_events WHERE action = 'gate_policy.published' AND target_id = '2'`);
    expect(event.payload).toMatchObject({ version: 2, documentHash: published.body.documentHash });
  });

  it('refuses an invalid policy with the path of each problem, and publishes nothing', async () => {
    const current = (await t.http().get('/api/gate-policies/current').set(bearer(admin))).body;
    const document = structuredClone(current.document);
    document.gates.design_to_develop.high.signOffs[0].quorum = 0;
    document.gates.deploy_to_operate.limited.evidence.push({ kind: 'tarot_reading' });
    const res = await t.http().post('/api/gate-policies').set(bearer(admin)).send({ document });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'document.gates.deploy_to_operate.limited.evidence.3.kind',
      'document.gates.design_to_develop.high.signOffs.0.quorum',
    ]);
    expect((await t.http().get('/api/gate-policies/current').set(bearer(admin))).body.version).toBe(current.version);
  });

  it('lets only admins publish', async () => {
    const legal = await givenUser(t, { roles: ['legal', 'compliance_officer'] });
    const current = (await t.http().get('/api/gate-policies/current').set(bearer(admin))).body;
    await t.http().post('/api/gate-policies').set(bearer(legal.token)).send({ document: current.document }).expect(403);
  });
});
