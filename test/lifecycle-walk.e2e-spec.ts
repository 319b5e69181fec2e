import { bearer, createTestApp, givenUser, TestApp } from './support';
import { givenReviewWorld, givenUseCaseAt, openReview, ReviewWorld, signOff } from './support/review-world';

/**
 * One high-risk use case from design to operate with every role, then a
 * rollback, the way back, and retirement; the audit chain verifies after.
 */
describe('the lifecycle of a high-risk use case', () => {
  let t: TestApp;
  let world: ReviewWorld;
  let officer: string;

  beforeAll(async () => {
    t = await createTestApp();
    world = await givenReviewWorld(t);
    officer = (await givenUser(t, { roles: ['compliance_officer'] })).token;
  });
  afterAll(() => t.close());

  const stage = async (useCaseId: string) => (await t.http().get(`/api/use-cases/${useCaseId}`).set(bearer(officer))).body.stage;

  async function passGate(useCaseId: string, gate: Parameters<typeof openReview>[3]) {
    const review = await openReview(t, world, useCaseId, gate, 'high');
    for (const slot of review.slots) {
      const signers = { developer: [world.developer], deployer: [world.deployer], legal: [world.legal, world.legal2], assessor: world.assessors }[slot.role as 'developer']!;
      for (const signer of signers.slice(0, slot.quorum)) await signOff(t, signer, review.id, slot.role, review.revision).expect(201);
    }
    const closed = (await t.http().get(`/api/reviews/${review.id}`).set(bearer(officer)).expect(200)).body;
    expect(closed.status).toBe('passed');
    return closed;
  }

  it('walks design → develop → deploy → operate, rolls back, comes back, is re-reviewed and retires', async () => {
    const useCaseId = await givenUseCaseAt(t, world, 'high');
    expect(await stage(useCaseId)).toBe('design');
    await passGate(useCaseId, 'design_to_develop');
    expect(await stage(useCaseId)).toBe('develop');
    const toDeploy = await passGate(useCaseId, 'develop_to_deploy');
    expect(toDeploy.slots).toEqual(expect.arrayContaining([{ role: 'assessor', quorum: 2 }]));
    expect(await stage(useCaseId)).toBe('deploy');
    await passGate(useCaseId, 'deploy_to_operate');
    expect(await stage(useCaseId)).toBe('operate');

    // High risk: re-reviewed every 6 months.
    const [due] = await t.dataSource.query(`SELECT next_review_due::text AS due, (current_date + interval '6 months')::date::text AS expected FROM use_cases WHERE id = $1`, [useCaseId]);
    expect(due.due).toBe(due.expected);

    // A changed intended use flags the use case for re-review at once.
    await t.http().patch(`/api/use-cases/${useCaseId}`).set(bearer(world.opener.token)).send({ intendedUse: 'Also rank claims by urgency.' }).expect(200);
    const overdue = (await t.http().get('/api/reviews/overdue').set(bearer(officer)).expect(200)).body;
    expect(overdue).toEqual(expect.arrayContaining([expect.objectContaining({ useCaseId, rereviewReason: 'intended use changed' })]));

    // Drift: the deployer sends it back to develop, with a reason.
    await t.http().post(`/api/use-cases/${useCaseId}/rollback`).set(bearer(world.legal.token)).send({ toStage: 'operate', reason: 'x' }).expect(422);
    // A compliance officer reads everything but is not a role the policy names for this gate.
    const refused = await t.http().post(`/api/use-cases/${useCaseId}/rollback`).set(bearer(officer)).send({ toStage: 'develop', reason: 'x' }).expect(403);
    expect(refused.body.type).toBe('urn:gatehouse:problem:rollback-role-not-held');
    await t.http().post(`/api/use-cases/${useCaseId}/rollback`).set(bearer(world.deployer.token)).send({ toStage: 'develop', reason: 'accuracy drifted below 90%' }).expect(201);
    expect(await stage(useCaseId)).toBe('develop');
    const [rolledBack] = await t.dataSource.query(`SELECT reason, payload FROM audit_events WHERE use_case_id = $1 AND action = 'use_case.rolled_back'`, [useCaseId]);
    expect(rolledBack).toMatchObject({ reason: 'accuracy drifted below 90%', payload: { before: { stage: 'operate' }, after: { stage: 'develop' } } });

    // Going forward again needs the gates again.
    await passGate(useCaseId, 'develop_to_deploy');
    await passGate(useCaseId, 'deploy_to_operate');
    expect((await t.http().get('/api/reviews/overdue').set(bearer(officer))).body.map((o: { useCaseId: string }) => o.useCaseId)).not.toContain(useCaseId);

    // The periodic review keeps it in operate; retirement ends it.
    await passGate(useCaseId, 'operate_review');
    expect(await stage(useCaseId)).toBe('operate');
    await passGate(useCaseId, 'retire');
    expect((await t.http().get(`/api/use-cases/${useCaseId}`).set(bearer(officer))).body).toMatchObject({ stage: 'retired', status: 'retired' });
    await t.http().patch(`/api/use-cases/${useCaseId}`).set(bearer(world.opener.token)).send({ title: 'after retirement' }).expect(409);

    // The trail alone says who approved what, in which role, on which revision, and the chain holds.
    const trail: { action: string }[] = await t.dataSource.query('SELECT action FROM audit_events WHERE use_case_id = $1 ORDER BY seq', [useCaseId]);
    const actions = trail.map((e) => e.action);
    expect(actions.filter((a) => a === 'gate_review.passed')).toHaveLength(6);
    expect(actions).toEqual(expect.arrayContaining(['use_case.created', 'gate_review.opened', 'sign_off.recorded', 'use_case.rolled_back', 'use_case.retired']));
    const [signed] = await t.dataSource.query(`SELECT actor_id, payload FROM audit_events WHERE use_case_id = $1 AND action = 'sign_off.recorded' ORDER BY seq LIMIT 1`, [useCaseId]);
    expect(signed.payload).toMatchObject({ role: expect.any(String), decision: 'approve', revision: expect.any(Number), contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const verify = await t.http().get('/api/audit/verify').set(bearer(officer)).expect(200);
    expect(verify.body).toMatchObject({ intact: true });
  });
});
