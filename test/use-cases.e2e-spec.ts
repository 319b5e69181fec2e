import { adminUser, bearer, createTestApp, givenTeam, givenUseCase, givenUser, TestApp, TestUser, useCaseBody } from './support';

const PROBLEM_JSON = /^application\/problem\+json/;
const fieldsOf = (body: { errors: { field: string }[] }) => [...new Set(body.errors.map((error) => error.field))].sort();

describe('use cases', () => {
  let t: TestApp;
  let teamA: string;
  let teamB: string;
  let developer: TestUser;
  let deployer: TestUser;
  let outsider: TestUser;
  let legal: TestUser;
  let assessor: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    teamA = (await givenTeam(t)).id;
    teamB = (await givenTeam(t)).id;
    developer = await givenUser(t, { teams: [{ teamId: teamA, role: 'developer' }], name: 'dev' });
    deployer = await givenUser(t, { teams: [{ teamId: teamA, role: 'deployer' }], name: 'ops' });
    outsider = await givenUser(t, { teams: [{ teamId: teamB, role: 'developer' }], name: 'outsider' });
    legal = await givenUser(t, { roles: ['legal'] });
    assessor = await givenUser(t, { roles: ['assessor'] });
  });
  afterAll(() => t.close());

  const as = (user: TestUser) => bearer(user.token);

  describe('registration', () => {
    it('creates revision 1 in the design stage with a derived tier and a content hash, and records it', async () => {
      const res = await t.http().post('/api/use-cases').set(as(developer)).send(useCaseBody(teamA)).expect(201);
      expect(res.body).toMatchObject({ stage: 'design', status: 'active', tier: 'minimal', derivedTier: 'minimal', revision: 1, contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(res.body.content).toMatchObject({ title: 'Claims triage assistant', risks: [], evidence: [], tierOverride: null });
      const [event] = await t.dataSource.query(`SELECT action, use_case_id, payload FROM audit_events WHERE target_id = $1`, [res.body.id]);
      expect(event).toMatchObject({ action: 'use_case.created', use_case_id: res.body.id, payload: { revision: 1, contentHash: res.body.contentHash } });
    });

    it('gives the same content the same hash, whatever the order of its fields', async () => {
      const body = useCaseBody(teamA);
      const reversed = Object.fromEntries(Object.entries(body).reverse());
      const a = await t.http().post('/api/use-cases').set(as(developer)).send(body).expect(201);
      const b = await t.http().post('/api/use-cases').set(as(deployer)).send(reversed).expect(201);
      expect(a.body.contentHash).toBe(b.body.contentHash);
    });

    it.each<[string, Record<string, unknown>, string[]]>([
      ['missing required fields', { title: undefined, businessProblem: undefined, stakeholders: undefined }, ['businessProblem', 'stakeholders', 'title']],
      ['a title that is too long', { title: 'x'.repeat(201) }, ['title']],
      ['an empty title', { title: '' }, ['title']],
      ['an unknown AI role', { aiRole: 'robot' }, ['aiRole']],
      ['a malformed team id', { deployerTeamId: 'team-a' }, ['deployerTeamId']],
      ['no inputs', { inputs: [] }, ['inputs']],
      ['a stakeholder with a wrong type', { stakeholders: [{ name: 'x', objectives: 'y', affectedNonUser: 'yes' }] }, ['stakeholders.0.affectedNonUser']],
      ['a workflow component without a name', { workflow: { description: 'd', components: [{ description: 'no name' }] } }, ['workflow.components.0.name']],
      ['a stage set by hand', { stage: 'operate' }, ['stage']],
      ['a tier set by hand', { tier: 'minimal' }, ['tier']],
      ['a stakeholder that is a list, not an object', { stakeholders: [[]] }, ['stakeholders']],
    ])('refuses %s with field-level errors', async (_name, overrides, fields) => {
      const res = await t.http().post('/api/use-cases').set(as(developer)).send(useCaseBody(teamA, teamA, overrides));
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(fieldsOf(res.body)).toEqual(fields);
    });

    it("refuses to register a use case for a team the caller is not on", async () => {
      const res = await t.http().post('/api/use-cases').set(as(outsider)).send(useCaseBody(teamA));
      expect(res.status).toBe(422);
      expect(fieldsOf(res.body)).toEqual(['developerTeamId']);
    });
  });

  it.each(['title', 'inputs', 'intendedUse', 'workflow'])('refuses null for the required field %s in an edit, and writes no revision', async (field) => {
    const useCase = await givenUseCase(t, developer.token, teamA);
    const res = await t.http().patch(`/api/use-cases/${useCase.id}`).set(as(developer)).send({ [field]: null });
    expect(res.status).toBe(422);
    expect(fieldsOf(res.body)).toEqual([field]);
    const after = await t.http().get(`/api/use-cases/${useCase.id}`).set(as(developer)).expect(200);
    expect(after.body.revision).toBe(useCase.revision);
  });

  describe('revisions', () => {
    it('writes a revision for every content change and none for a no-op', async () => {
      const useCase = await givenUseCase(t, developer.token, teamA);
      const changed = await t.http().patch(`/api/use-cases/${useCase.id}`).set(as(deployer)).send({ title: 'Claims triage v2' }).expect(200);
      expect(changed.body).toMatchObject({ revision: 2 });
      expect(changed.body.contentHash).not.toBe(useCase.contentHash);

      const events = async () => (await t.dataSource.query('SELECT count(*)::int AS n FROM audit_events WHERE use_case_id = $1', [useCase.id]))[0].n;
      const eventsBefore = await events();
      const same = await t.http().patch(`/api/use-cases/${useCase.id}`).set(as(developer)).send({ title: 'Claims triage v2' }).expect(200);
      expect(same.body).toMatchObject({ revision: 2, contentHash: changed.body.contentHash });
      expect(await events()).toBe(eventsBefore);

      const revisions = await t.http().get(`/api/use-cases/${useCase.id}/revisions`).set(as(legal)).expect(200);
      expect(revisions.body).toEqual([
        expect.objectContaining({ revision: 1, contentHash: useCase.contentHash, authorId: developer.id }),
        expect.objectContaining({ revision: 2, contentHash: changed.body.contentHash, changedFields: ['title'], authorId: deployer.id }),
      ]);
      const first = await t.http().get(`/api/use-cases/${useCase.id}/revisions/1`).set(as(developer)).expect(200);
      expect(first.body.content.title).toBe('Claims triage assistant');
      const diff = await t.http().get(`/api/use-cases/${useCase.id}/revisions/1/diff/2`).set(as(assessor)).expect(200);
      expect(diff.body.changes).toEqual([{ path: 'title', type: 'changed', before: 'Claims triage assistant', after: 'Claims triage v2' }]);
    });

    it('never changes the stage or the teams through an edit', async () => {
      const useCase = await givenUseCase(t, developer.token, teamA);
      const res = await t.http().patch(`/api/use-cases/${useCase.id}`).set(as(developer)).send({ stage: 'operate', developerTeamId: teamB });
      expect(res.status).toBe(422);
      expect(fieldsOf(res.body)).toEqual(['developerTeamId', 'stage']);
      expect((await t.http().get(`/api/use-cases/${useCase.id}`).set(as(developer))).body).toMatchObject({ stage: 'design', revision: 1 });
    });

    it('keeps revisions immutable in the database', async () => {
      const useCase = await givenUseCase(t, developer.token, teamA);
      await expect(t.dataSource.query(`UPDATE use_case_revisions SET summary = 'x' WHERE use_case_id = $1`, [useCase.id])).rejects.toThrow(/immutable/);
    });
  });

  describe('risks and tier', () => {
    const risk = (severity: number, likelihood: number, extra: Record<string, unknown> = {}) => ({ description: 'unfair queueing', category: 'fairness', severity, likelihood, ...extra });

    it('derives the tier from the risk register, each change a revision', async () => {
      const useCase = await givenUseCase(t, developer.token, teamA);
      const limited = await t.http().post(`/api/use-cases/${useCase.id}/risks`).set(as(developer)).send(risk(2, 3)).expect(201);
      expect(limited.body).toMatchObject({ tier: 'limited', derivedTier: 'limited', revision: 2 });
      const riskId = limited.body.content.risks[0].id;
      const high = await t.http().put(`/api/use-cases/${useCase.id}/risks/${riskId}`).set(as(developer)).send(risk(3, 5)).expect(200);
      expect(high.body).toMatchObject({ tier: 'high', revision: 3 });
      const mitigated = await t.http().put(`/api/use-cases/${useCase.id}/risks/${riskId}`).set(as(developer))
        .send(risk(3, 5, { mitigation: 'human review of every queue', owner: 'ops lead', residualSeverity: 2, residualLikelihood: 2, status: 'mitigating' })).expect(200);
      expect(mitigated.body).toMatchObject({ tier: 'minimal', revision: 4 });
      const removed = await t.http().delete(`/api/use-cases/${useCase.id}/risks/${riskId}`).set(as(developer)).expect(200);
      expect(removed.body).toMatchObject({ tier: 'minimal', revision: 5, content: { risks: [] } });
    });

    it.each<[string, Record<string, unknown>, string[]]>([
      ['a severity of 6', { severity: 6 }, ['severity']],
      ['a likelihood of 0', { likelihood: 0 }, ['likelihood']],
      ['a fractional severity', { severity: 2.5 }, ['severity']],
      ['an unknown category', { category: 'vibes' }, ['category']],
      ['a residual severity without its likelihood', { residualSeverity: 2 }, ['residualLikelihood']],
      ['an unknown status', { status: 'forgotten' }, ['status']],
    ])('refuses a risk with %s', async (_name, overrides, fields) => {
      const useCase = await givenUseCase(t, developer.token, teamA);
      const res = await t.http().post(`/api/use-cases/${useCase.id}/risks`).set(as(developer)).send({ ...risk(2, 2), ...overrides });
      expect(res.status).toBe(422);
      expect(fieldsOf(res.body)).toEqual(fields);
    });

    it('lets an assessor or legal override the tier with a justification, recorded, but not the team', async () => {
      const useCase = await givenUseCase(t, developer.token, teamA);
      const byTeam = await t.http().put(`/api/use-cases/${useCase.id}/tier-override`).set(as(developer)).send({ tier: 'minimal', justification: 'we think it is fine' }).expect(403);
      expect(byTeam.body.type).toBe('urn:gatehouse:problem:permission-required');
      await t.http().put(`/api/use-cases/${useCase.id}/tier-override`).set(as(assessor)).send({ tier: 'high' }).expect(422);
      const res = await t.http().put(`/api/use-cases/${useCase.id}/tier-override`).set(as(legal)).send({ tier: 'prohibited', justification: 'Emotion recognition at work (EU AI Act art. 5)' }).expect(200);
      expect(res.body).toMatchObject({ tier: 'prohibited', derivedTier: 'minimal', revision: 2, content: { tierOverride: { tier: 'prohibited' } } });
      const [event] = await t.dataSource.query(`SELECT reason, actor_id FROM audit_events WHERE use_case_id = $1 AND action = 'use_case.tier_overridden'`, [useCase.id]);
      expect(event).toEqual({ reason: 'Emotion recognition at work (EU AI Act art. 5)', actor_id: legal.id });
      // Removing it lowers the tier: a proposal (202) until a second independent person confirms.
      const proposal = await t.http().delete(`/api/use-cases/${useCase.id}/tier-override`).set(as(assessor)).expect(202);
      expect(proposal.body).toMatchObject({ status: 'pending', tier: null, fromTier: 'prohibited', toTier: 'minimal', proposedBy: assessor.id });
      const confirmed = await t.http().post(`/api/use-cases/${useCase.id}/tier-change-requests/${proposal.body.id}/decision`).set(as(legal)).send({ decision: 'confirm' }).expect(200);
      expect(confirmed.body).toMatchObject({ tier: 'minimal', revision: 3 });
    });
  });

  describe('checklist', () => {
    it('records answers to the policy checklist and refuses unknown items', async () => {
      const useCase = await givenUseCase(t, developer.token, teamA);
      const res = await t.http().put(`/api/use-cases/${useCase.id}/checklist/design.define_use_case`).set(as(developer)).send({ answer: 'yes', note: 'see section 2' }).expect(200);
      expect(res.body).toMatchObject({ revision: 2, content: { checklist: { 'design.define_use_case': { answer: 'yes', note: 'see section 2' } } } });
      const unknown = await t.http().put(`/api/use-cases/${useCase.id}/checklist/design.vibes_check`).set(as(developer)).send({ answer: 'yes' });
      expect(unknown.status).toBe(422);
      expect(fieldsOf(unknown.body)).toEqual(['itemId']);
      const badAnswer = await t.http().put(`/api/use-cases/${useCase.id}/checklist/design.assess_risks`).set(as(developer)).send({ answer: 'maybe' });
      expect(fieldsOf(badAnswer.body)).toEqual(['answer']);
    });
  });

  describe('access', () => {
    it('hides a use case from another team, lets readers read but not edit', async () => {
      const useCase = await givenUseCase(t, developer.token, teamA);
      await t.http().get(`/api/use-cases/${useCase.id}`).set(as(outsider)).expect(404);
      await t.http().patch(`/api/use-cases/${useCase.id}`).set(as(outsider)).send({ title: 'mine now' }).expect(404);
      await t.http().get(`/api/use-cases/${useCase.id}`).set(as(legal)).expect(200);
      const byLegal = await t.http().patch(`/api/use-cases/${useCase.id}`).set(as(legal)).send({ title: 'legal edit' }).expect(403);
      expect(byLegal.body.type).toBe('urn:gatehouse:problem:not-on-team');
      const admin = await adminUser(t);
      const byAdmin = await t.http().patch(`/api/use-cases/${useCase.id}`).set(bearer(admin.token)).send({ title: 'admin edit' }).expect(403);
      expect(byAdmin.body.type).toBe('urn:gatehouse:problem:not-on-team');
      expect((await t.http().get(`/api/use-cases/${useCase.id}`).set(as(developer))).body.revision).toBe(1);
      // The refusal is a governed one: the trail records it under the rule's code.
      const denied = await t.dataSource.query(`SELECT payload FROM audit_events WHERE action = 'access.denied' AND use_case_id = $1 AND actor_id = $2`, [useCase.id, legal.id]);
      expect(denied.map((event: { payload: unknown }) => event.payload)).toEqual([expect.objectContaining({ attempted: 'use_case.updated', code: 'not-on-team', status: 403 })]);
    });

    it('refuses every change to a retired use case with use-case-retired (409), even from its team', async () => {
      const useCase = await givenUseCase(t, developer.token, teamA);
      // As a passed retire gate leaves it.
      await t.dataSource.query(`UPDATE use_cases SET stage = 'retired', status = 'retired' WHERE id = $1`, [useCase.id]);
      const edit = await t.http().patch(`/api/use-cases/${useCase.id}`).set(as(developer)).send({ title: 'after retirement' });
      expect(edit.status).toBe(409);
      expect(edit.body.type).toBe('urn:gatehouse:problem:use-case-retired');
      const link = await t.http().post(`/api/use-cases/${useCase.id}/evidence/links`).set(as(developer)).send({ kind: 'datasheet', title: 'Datasheet', url: 'https://wiki.example.com/x' });
      expect(link.status).toBe(409);
      expect(link.body.type).toBe('urn:gatehouse:problem:use-case-retired');
      const tier = await t.http().put(`/api/use-cases/${useCase.id}/tier-override`).set(as(legal)).send({ tier: 'high', justification: 'Decided after retirement, which is too late' });
      expect(tier.status).toBe(409);
      expect(tier.body.type).toBe('urn:gatehouse:problem:use-case-retired');
      expect((await t.http().get(`/api/use-cases/${useCase.id}`).set(as(developer))).body).toMatchObject({ revision: 1, stage: 'retired' });
    });

    it('lists only what the caller may see, with filters and a cursor', async () => {
      const mine = await givenUseCase(t, developer.token, teamA, { title: 'Needle in the haystack' });
      const theirs = await givenUseCase(t, outsider.token, teamB, { title: 'Needle of team B' });
      const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((item) => item.id);

      const asDeveloper = await t.http().get('/api/use-cases?q=needle').set(as(developer)).expect(200);
      expect(ids(asDeveloper)).toEqual([mine.id]);
      const asLegal = await t.http().get('/api/use-cases?q=NEEDLE').set(as(legal)).expect(200);
      expect(ids(asLegal).sort()).toEqual([mine.id, theirs.id].sort());
      expect(ids(await t.http().get(`/api/use-cases?q=needle&team=${teamB}`).set(as(legal)))).toEqual([theirs.id]);
      expect(ids(await t.http().get('/api/use-cases?q=needle&stage=operate').set(as(legal)))).toEqual([]);
      expect(ids(await t.http().get('/api/use-cases?q=needle&tier=minimal&status=active').set(as(legal))).length).toBe(2);

      const firstPage = await t.http().get('/api/use-cases?limit=2').set(as(legal)).expect(200);
      const secondPage = await t.http().get(`/api/use-cases?limit=2&cursor=${firstPage.body.nextCursor}`).set(as(legal));
      expect(secondPage.status).toBe(200);
      expect(ids(secondPage).some((id) => ids(firstPage).includes(id))).toBe(false);
      await t.http().get('/api/use-cases?stage=flying').set(as(legal)).expect(422);
    });
  });
});
