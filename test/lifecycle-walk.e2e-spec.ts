import { bearer, createTestApp, givenUser, TestApp } from './support';
import { answersFor, currentTemplate } from './support/impact-assessment';
import { givenReviewWorld, givenUseCaseAt, openReview, ReviewWorld, signOff } from './support/review-world';

/**
 * One high-risk use case from design to operate with every role — its risk
 * accepted by legal, its impact assessment approved, gone stale and approved
 * again — then a rollback, the way back, and retirement; the audit chain
 * verifies after.
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

    // Risk treatment: the team proposes to accept a risk; it cannot accept it itself, legal does.
    const risk = { description: 'Queue labels in English only', category: 'transparency', severity: 2, likelihood: 2, treatment: 'accept', owner: 'Claims operations lead' };
    const riskId = (await t.http().post(`/api/use-cases/${useCaseId}/risks`).set(bearer(world.opener.token)).send(risk).expect(201)).body.content.risks.at(-1).id;
    await t.http().put(`/api/use-cases/${useCaseId}/risks/${riskId}`).set(bearer(world.opener.token)).send({ ...risk, status: 'accepted' }).expect(422);
    await t.http().post(`/api/use-cases/${useCaseId}/risks/${riskId}/acceptance`).set(bearer(world.developer.token)).send({ role: 'legal', comment: 'ours' }).expect(403);
    await t.http().post(`/api/use-cases/${useCaseId}/risks/${riskId}/acceptance`).set(bearer(world.legal.token)).send({ role: 'legal', comment: 'Handlers read English.' }).expect(201);

    // The impact assessment: drafted and submitted by the team, approved by an assessor outside it.
    const template = await currentTemplate(t, world.opener.token);
    const IA = `/api/use-cases/${useCaseId}/impact-assessment`;
    const approveAssessment = async (note: string) => {
      const draft = (await t.http().put(IA).set(bearer(world.opener.token)).send({ answers: answersFor(template.document, note) }).expect(200)).body;
      expect(draft.status).toBe('draft');
      await t.http().post(`${IA}/submit`).set(bearer(world.opener.token)).send({ revision: draft.revision }).expect(200);
      const decided = (await t.http().post(`${IA}/decisions`).set(bearer(world.assessors[1].token)).send({ revision: draft.revision, role: 'assessor', decision: 'approve', comment: 'Impacts considered.' }).expect(201)).body;
      expect(decided).toMatchObject({ status: 'approved', standing: { state: 'approved' } });
    };
    await approveAssessment('first');
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
    // ... and leaves the impact assessment behind: it was approved for another use.
    expect((await t.http().get(IA).set(bearer(officer)).expect(200)).body.standing).toEqual({ state: 'stale', reasons: [expect.stringContaining('intended use')] });

    // Drift: the deployer sends it back to develop, with a reason.
    await t.http().post(`/api/use-cases/${useCaseId}/rollback`).set(bearer(world.legal.token)).send({ toStage: 'operate', reason: 'x' }).expect(422);
    // A compliance officer reads everything but is not a role the policy names for this gate.
    const refused = await t.http().post(`/api/use-cases/${useCaseId}/rollback`).set(bearer(officer)).send({ toStage: 'develop', reason: 'x' }).expect(403);
    expect(refused.body.type).toBe('urn:gatehouse:problem:rollback-role-not-held');
    await t.http().post(`/api/use-cases/${useCaseId}/rollback`).set(bearer(world.deployer.token)).send({ toStage: 'develop', reason: 'accuracy drifted below 90%' }).expect(201);
    expect(await stage(useCaseId)).toBe('develop');
    const [rolledBack] = await t.dataSource.query(`SELECT reason, payload FROM audit_events WHERE use_case_id = $1 AND action = 'use_case.rolled_back'`, [useCaseId]);
    expect(rolledBack).toMatchObject({ reason: 'accuracy drifted below 90%', payload: { before: { stage: 'operate' }, after: { stage: 'develop' } } });

    // Going forward again needs the gates again, and the next one stays shut until the assessment is approved again.
    const shut = await t.http().post(`/api/use-cases/${useCaseId}/reviews`).set(bearer(world.opener.token)).send({ gate: 'develop_to_deploy' }).expect(422);
    expect(shut.body.errors).toEqual([{ field: 'impactAssessment', detail: expect.stringContaining('intended use changed') }]);
    await approveAssessment('revisited for the new intended use');
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
    expect(actions).toEqual(expect.arrayContaining(['use_case.created', 'risk.accepted', 'gate_review.opened', 'sign_off.recorded', 'use_case.rolled_back', 'use_case.retired']));
    expect(actions.filter((a) => a === 'impact_assessment.approved')).toHaveLength(2);
    const [signed] = await t.dataSource.query(`SELECT actor_id, payload FROM audit_events WHERE use_case_id = $1 AND action = 'sign_off.recorded' ORDER BY seq LIMIT 1`, [useCaseId]);
    expect(signed.payload).toMatchObject({ role: expect.any(String), decision: 'approve', revision: expect.any(Number), contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const verify = await t.http().get('/api/audit/verify').set(bearer(officer)).expect(200);
    expect(verify.body).toMatchObject({ intact: true });
  });
});
