import { bearer, createTestApp, givenUser, TestApp, TestUser } from './support';
import { givenReviewWorld, givenUseCaseAt, ReviewWorld, satisfyRequirements } from './support/review-world';

/**
 * Risk treatment: a treatment and an owner per risk, and acceptance as a
 * recorded decision by someone outside the team with the authority the gate
 * policy gives at the risk's inherent severity. The team never accepts its
 * own risk, and an acceptance covers the risk only as it was accepted.
 */
describe('risk treatment and acceptance', () => {
  let t: TestApp;
  let world: ReviewWorld;

  beforeAll(async () => {
    t = await createTestApp();
    world = await givenReviewWorld(t);
  });
  afterAll(() => t.close());

  const RISK = { description: 'Queue labels in English only', category: 'transparency', severity: 2, likelihood: 2, treatment: 'accept', owner: 'Claims operations lead' };
  const addRisk = async (useCaseId: string, risk: Record<string, unknown> = RISK) =>
    (await t.http().post(`/api/use-cases/${useCaseId}/risks`).set(bearer(world.opener.token)).send(risk).expect(201)).body.content.risks.at(-1).id as string;
  const accept = (user: TestUser, useCaseId: string, riskId: string, role = 'legal') =>
    t.http().post(`/api/use-cases/${useCaseId}/risks/${riskId}/acceptance`).set(bearer(user.token)).send({ role, comment: 'We can live with this.' });
  const treatment = async (useCaseId: string, riskId: string) =>
    (await t.http().get(`/api/use-cases/${useCaseId}`).set(bearer(world.opener.token)).expect(200)).body.riskTreatment.find((r: { riskId: string }) => r.riskId === riskId);

  it('never lets the team set a risk accepted, and asks for an owner with a treatment', async () => {
    const useCaseId = await givenUseCaseAt(t, world, 'minimal');
    const accepted = await t.http().post(`/api/use-cases/${useCaseId}/risks`).set(bearer(world.opener.token)).send({ ...RISK, status: 'accepted' }).expect(422);
    expect(accepted.body.errors).toEqual([{ field: 'status', detail: expect.stringContaining('acceptance decision') }]);
    const ownerless = await t.http().post(`/api/use-cases/${useCaseId}/risks`).set(bearer(world.opener.token)).send({ ...RISK, owner: undefined }).expect(422);
    expect([...new Set(ownerless.body.errors.map((e: { field: string }) => e.field))]).toEqual(['owner']);
    const riskId = await addRisk(useCaseId);
    await t.http().put(`/api/use-cases/${useCaseId}/risks/${riskId}`).set(bearer(world.opener.token)).send({ ...RISK, status: 'accepted' }).expect(422);
    // The team cannot reach the acceptance route at all (it needs legal or assessor), nor can legal on the team.
    await accept(world.developer, useCaseId, riskId).expect(403);
    const legalOnTeam = await givenUser(t, { roles: ['legal'], teams: [{ teamId: world.devTeam, role: 'developer' }] });
    expect((await accept(legalOnTeam, useCaseId, riskId).expect(403)).body.type).toBe('urn:gatehouse:problem:decider-on-team');
    expect(await treatment(useCaseId, riskId)).toMatchObject({ treatment: 'accept', owner: 'Claims operations lead', acceptance: null, awaitingAcceptance: true });
  });

  it('is recorded when legal accepts: in the use case view, and in the trail with the comment', async () => {
    const useCaseId = await givenUseCaseAt(t, world, 'minimal');
    const riskId = await addRisk(useCaseId);
    const { revision } = (await t.http().get(`/api/use-cases/${useCaseId}`).set(bearer(world.opener.token))).body;
    const recorded = (await accept(world.legal, useCaseId, riskId).expect(201)).body;
    expect(recorded).toMatchObject({ riskId, role: 'legal', decidedBy: world.legal.id, severity: 2, useCaseRevision: revision });
    expect(await treatment(useCaseId, riskId)).toMatchObject({ acceptance: { id: recorded.id }, awaitingAcceptance: false, scoredOn: 'inherent', score: 4 });
    // Accepting is a decision, not an edit: no new revision, the decider stays independent.
    expect((await t.http().get(`/api/use-cases/${useCaseId}`).set(bearer(world.opener.token))).body.revision).toBe(revision);
    const [event] = await t.dataSource.query(`SELECT actor_id, reason, payload FROM audit_events WHERE use_case_id = $1 AND action = 'risk.accepted'`, [useCaseId]);
    expect(event).toMatchObject({ actor_id: world.legal.id, reason: 'We can live with this.', payload: { acceptanceId: recorded.id, riskHash: recorded.riskHash, role: 'legal', severity: 2 } });
    expect((await accept(world.legal2, useCaseId, riskId).expect(409)).body.type).toBe('urn:gatehouse:problem:risk-already-accepted');
    await expect(t.dataSource.query('UPDATE risk_acceptances SET comment = $1 WHERE id = $2', ['rewritten', recorded.id])).rejects.toThrow(/immutable/);
  });

  it('judges authority on the inherent severity: legal alone from 5, whatever residual the team claims', async () => {
    const useCaseId = await givenUseCaseAt(t, world, 'minimal');
    const severe = await addRisk(useCaseId, { ...RISK, severity: 5, likelihood: 1, residualSeverity: 1, residualLikelihood: 1 });
    const refused = await accept(world.assessors[0], useCaseId, severe, 'assessor').expect(403);
    expect(refused.body.type).toBe('urn:gatehouse:problem:role-not-allowed');
    await accept(world.legal, useCaseId, severe).expect(201);
    expect(await treatment(useCaseId, severe)).toMatchObject({ scoredOn: 'residual', score: 1 });
    const moderate = await addRisk(useCaseId, { ...RISK, severity: 4, likelihood: 1 });
    await accept(world.assessors[0], useCaseId, moderate, 'assessor').expect(201);
  });

  it('accepts only what the team treats by acceptance, and only as it stands: an edit leaves the acceptance behind', async () => {
    const useCaseId = await givenUseCaseAt(t, world, 'minimal');
    const mitigated = await addRisk(useCaseId, { ...RISK, treatment: 'mitigate' });
    expect((await accept(world.legal, useCaseId, mitigated).expect(409)).body.type).toBe('urn:gatehouse:problem:risk-not-treated-by-acceptance');
    const riskId = await addRisk(useCaseId);
    const first = (await accept(world.legal, useCaseId, riskId).expect(201)).body;
    // Closing the risk keeps it covered; changing what it says does not.
    await t.http().put(`/api/use-cases/${useCaseId}/risks/${riskId}`).set(bearer(world.opener.token)).send({ ...RISK, likelihood: 3 }).expect(200);
    expect(await treatment(useCaseId, riskId)).toMatchObject({ acceptance: null, awaitingAcceptance: true });
    const second = (await accept(world.legal, useCaseId, riskId).expect(201)).body;
    expect(second.riskHash).not.toBe(first.riskHash);
    await t.http().put(`/api/use-cases/${useCaseId}/risks/${riskId}`).set(bearer(world.opener.token)).send({ ...RISK, likelihood: 3, status: 'closed' }).expect(200);
    expect(await treatment(useCaseId, riskId)).toMatchObject({ acceptance: { id: second.id }, awaitingAcceptance: false });
    await accept(world.legal, useCaseId, 'c0ffee00-0000-4000-8000-000000000000').expect(404);
  });

  it('holds the gates until every risk treated by acceptance is accepted as it stands', async () => {
    const useCaseId = await givenUseCaseAt(t, world, 'minimal');
    await satisfyRequirements(t, world, useCaseId, 'design_to_develop', 'minimal');
    const riskId = await addRisk(useCaseId);
    const open = () => t.http().post(`/api/use-cases/${useCaseId}/reviews`).set(bearer(world.opener.token)).send({ gate: 'design_to_develop' });
    const refused = await open().expect(422);
    expect(refused.body.errors).toEqual([{ field: 'risks', detail: expect.stringContaining(riskId) }]);
    await accept(world.legal, useCaseId, riskId).expect(201);
    await open().expect(201);
  });

  it('records refused acceptances in the trail', async () => {
    const useCaseId = await givenUseCaseAt(t, world, 'minimal');
    const riskId = await addRisk(useCaseId, { ...RISK, severity: 5 });
    await accept(world.assessors[1], useCaseId, riskId, 'assessor').expect(403);
    const denied = await t.dataSource.query(`SELECT payload FROM audit_events WHERE action = 'access.denied' AND actor_id = $1`, [world.assessors[1].id]);
    expect(denied.map((e: { payload: unknown }) => e.payload)).toEqual(
      expect.arrayContaining([expect.objectContaining({ attempted: 'risk.accepted', code: 'role-not-allowed' })]),
    );
  });
});
