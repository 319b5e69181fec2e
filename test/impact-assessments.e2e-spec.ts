import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { adminUser, bearer, createTestApp, givenApiKey, givenTeam, givenUser, TestApp, TestUser } from './support';
import { answersFor, currentTemplate, givenApprovedAssessment } from './support/impact-assessment';
import { givenReviewWorld, givenUseCaseAt, openReview, ReviewWorld, satisfyRequirements, signOff } from './support/review-world';

/**
 * Impact assessments as governed records: the team drafts and submits, someone
 * outside it approves under the separation of duties of a sign-off, an approval
 * goes stale when the use case's scope changes or its tier rises, and a stale
 * or missing assessment keeps the gates that require it shut.
 */
describe('impact assessments', () => {
  let t: TestApp;
  let world: ReviewWorld;
  let template: Awaited<ReturnType<typeof currentTemplate>>;

  beforeAll(async () => {
    t = await createTestApp();
    world = await givenReviewWorld(t);
    template = await currentTemplate(t, world.opener.token);
  });
  afterAll(() => t.close());

  const IA = (useCaseId: string) => `/api/use-cases/${useCaseId}/impact-assessment`;
  const save = (user: TestUser, useCaseId: string, body: Record<string, unknown>) => t.http().put(IA(useCaseId)).set(bearer(user.token)).send(body);
  const submit = (user: TestUser, useCaseId: string, revision: number) => t.http().post(`${IA(useCaseId)}/submit`).set(bearer(user.token)).send({ revision });
  const decide = (user: TestUser, useCaseId: string, revision: number, extra: Record<string, unknown> = {}) =>
    t.http().post(`${IA(useCaseId)}/decisions`).set(bearer(user.token)).send({ revision, role: 'legal', decision: 'approve', comment: 'considered', ...extra });
  const view = async (useCaseId: string) => (await t.http().get(IA(useCaseId)).set(bearer(world.opener.token)).expect(200)).body;
  const actions = async (useCaseId: string) =>
    (await t.dataSource.query('SELECT action FROM audit_events WHERE use_case_id = $1 ORDER BY seq', [useCaseId])).map((r: { action: string }) => r.action);

  /** A limited use case with a submitted assessment, ready for a decision. */
  async function submitted(tier: 'limited' | 'high' = 'limited') {
    const useCaseId = await givenUseCaseAt(t, world, tier);
    const saved = await save(world.opener, useCaseId, { answers: answersFor(template.document) }).expect(200);
    await submit(world.opener, useCaseId, saved.body.revision).expect(200);
    return { useCaseId, revision: saved.body.revision as number };
  }

  describe('templates', () => {
    it('ships the default drawn from the guide as version 1, and a published version never changes', async () => {
      expect(template.version).toBe(1);
      expect(template.document.sections.map((s) => s.id)).toEqual(
        expect.arrayContaining(['intended_use', 'affected_groups', 'fairness', 'privacy', 'safety', 'transparency', 'human_oversight', 'environment', 'limitations']),
      );
      const admin = await adminUser(t);
      const invalid = await t.http().post('/api/assessment-templates').set(bearer(admin.token)).send({ document: { ...template.document, sections: [] } }).expect(422);
      expect(invalid.body.errors[0].field).toBe('document.sections');
      await expect(t.dataSource.query('UPDATE assessment_templates SET note = $1 WHERE version = 1', ['rewritten'])).rejects.toThrow(/immutable/);
    });
  });

  describe('drafting', () => {
    it('keeps every save as a revision with the hash of what the database holds, and writes nothing for a save that changes nothing', async () => {
      const useCaseId = await givenUseCaseAt(t, world, 'limited');
      const answers = answersFor(template.document);
      const first = (await save(world.opener, useCaseId, { answers }).expect(200)).body;
      expect(first).toMatchObject({ revision: 1, status: 'draft', templateVersion: template.version, standing: { state: 'not_approved' } });
      const expected = createHash('sha256').update(canonicalize({ templateVersion: template.version, answers })!).digest('hex');
      expect(first.contentHash).toBe(expected);
      // Member order is not content.
      const reordered = Object.fromEntries(Object.entries(answers).reverse());
      expect((await save(world.opener, useCaseId, { answers: reordered }).expect(200)).body.revision).toBe(1);
      const second = (await save(world.developer, useCaseId, { answers: { ...answers, [Object.keys(answers)[0]]: 'A second thought.' }, basedOnRevision: 1 }).expect(200)).body;
      expect(second.revision).toBe(2);
      expect(second.revisions.map((r: { revision: number; authorId: string }) => [r.revision, r.authorId])).toEqual([[1, world.opener.id], [2, world.developer.id]]);
      expect((await actions(useCaseId)).filter((a: string) => a === 'impact_assessment.saved')).toHaveLength(2);
    });

    it('refuses a save based on a revision someone else has moved past (409), answers to questions the template does not have (422), and saves by anyone outside the team', async () => {
      const useCaseId = await givenUseCaseAt(t, world, 'limited');
      await save(world.opener, useCaseId, { answers: {} }).expect(200);
      await save(world.developer, useCaseId, { answers: { [textQuestion()]: 'mine' }, basedOnRevision: 1 }).expect(200);
      const stale = await save(world.opener, useCaseId, { answers: { [textQuestion()]: 'theirs' }, basedOnRevision: 1 }).expect(409);
      expect(stale.body.type).toBe('urn:gatehouse:problem:assessment-revision-stale');
      const unknown = await save(world.opener, useCaseId, { answers: { 'no.such.question': 'x' } }).expect(422);
      expect(unknown.body.errors.map((e: { field: string }) => e.field)).toEqual(['answers.no.such.question']);
      await save(world.legal, useCaseId, { answers: {} }).expect(403);
      const outsider = await givenUser(t, { teams: [{ teamId: (await givenTeam(t)).id, role: 'developer' }] });
      await save(outsider, useCaseId, { answers: {} }).expect(404);
      expect((await view(useCaseId)).revision).toBe(2);
    });

    it('refuses to submit a draft with required questions unanswered, naming each one, or a revision that is not the working one', async () => {
      const useCaseId = await givenUseCaseAt(t, world, 'limited');
      const answers = answersFor(template.document);
      const [left] = Object.keys(answers);
      const { [left]: _omitted, ...partial } = answers;
      const saved = (await save(world.opener, useCaseId, { answers: partial }).expect(200)).body;
      expect(saved.unanswered).toEqual([left]);
      const refused = await submit(world.opener, useCaseId, saved.revision).expect(422);
      expect(refused.body.errors).toEqual([{ field: `answers.${left}`, detail: expect.stringContaining('required') }]);
      await save(world.opener, useCaseId, { answers }).expect(200);
      await submit(world.opener, useCaseId, saved.revision).expect(409);
      await submit(world.opener, useCaseId, saved.revision + 1).expect(200);
      await submit(world.opener, useCaseId, saved.revision + 1).expect(409);
    });
  });

  describe('deciding: the separation of duties of a sign-off', () => {
    it('is decided by legal or an assessor outside the team, never by the team, an API key, or a role not held', async () => {
      const { useCaseId, revision } = await submitted();
      const legalOnTeam = await givenUser(t, { roles: ['legal'], teams: [{ teamId: world.opsTeam, role: 'deployer' }] });
      expect((await decide(legalOnTeam, useCaseId, revision).expect(403)).body.type).toBe('urn:gatehouse:problem:decider-on-team');
      await decide(world.developer, useCaseId, revision).expect(403);
      const key = await givenApiKey(t, world.legal, ['legal']);
      const byKey = await t.http().post(`${IA(useCaseId)}/decisions`).set(bearer(key.token)).send({ revision, role: 'legal', decision: 'approve', comment: 'x' }).expect(403);
      expect(byKey.body.type).toBe('urn:gatehouse:problem:person-required');
      expect((await decide(world.assessors[0], useCaseId, revision, { role: 'legal' }).expect(403)).body.type).toBe('urn:gatehouse:problem:role-not-held');
      // Refusals are in the trail, and nothing was decided.
      expect(await actions(useCaseId)).toContain('access.denied');
      expect((await view(useCaseId)).status).toBe('submitted');
      const approved = (await decide(world.assessors[0], useCaseId, revision, { role: 'assessor' }).expect(201)).body;
      expect(approved).toMatchObject({ status: 'approved', standing: { state: 'approved', reasons: [] }, approval: { role: 'assessor', decidedBy: world.assessors[0].id, revision } });
    });

    it('refuses someone who wrote the assessment, even after they left the team and became legal', async () => {
      const author = await givenUser(t, { teams: [{ teamId: world.devTeam, role: 'developer' }] });
      const useCaseId = await givenUseCaseAt(t, world, 'limited');
      const saved = await save(author, useCaseId, { answers: answersFor(template.document) }).expect(200);
      await submit(world.opener, useCaseId, saved.body.revision).expect(200);
      const admin = await adminUser(t);
      await t.http().delete(`/api/teams/${world.devTeam}/members/${author.id}/developer`).set(bearer(admin.token)).expect(200);
      await t.http().put(`/api/users/${author.id}/roles/legal`).set(bearer(admin.token)).expect(200);
      expect((await decide(author, useCaseId, saved.body.revision).expect(403)).body.type).toBe('urn:gatehouse:problem:decider-is-author');
    });

    it('refuses a decision on a scope that moved after submission (409), a revision that is not the submitted one, or a draft', async () => {
      const { useCaseId, revision } = await submitted();
      await decide(world.legal, useCaseId, revision + 1).expect(409);
      await t.http().patch(`/api/use-cases/${useCaseId}`).set(bearer(world.opener.token)).send({ outputs: ['proposed queue', 'a reason'] }).expect(200);
      const moved = await decide(world.legal, useCaseId, revision).expect(409);
      expect(moved.body.type).toBe('urn:gatehouse:problem:assessment-scope-changed');
      expect(moved.body.detail).toContain('outputs');
      const draft = await givenUseCaseAt(t, world, 'limited');
      const saved = await save(world.opener, draft, { answers: answersFor(template.document) }).expect(200);
      expect((await decide(world.legal, draft, saved.body.revision).expect(409)).body.type).toBe('urn:gatehouse:problem:assessment-wrong-state');
    });

    it('a request for changes sends it back to a draft; the approval in force stays while the next revision is drafted', async () => {
      const { useCaseId, revision } = await submitted();
      const sentBack = (await decide(world.legal, useCaseId, revision, { decision: 'request_changes', comment: 'say more about non-users' }).expect(201)).body;
      expect(sentBack).toMatchObject({ status: 'draft', submitted: null, approval: null, standing: { state: 'not_approved' } });
      await submit(world.opener, useCaseId, revision).expect(200);
      await decide(world.legal, useCaseId, revision).expect(201);
      const redraft = (await save(world.opener, useCaseId, { answers: answersFor(template.document, 'second') }).expect(200)).body;
      expect(redraft).toMatchObject({ status: 'draft', revision: revision + 1, approval: { revision }, standing: { state: 'approved' } });
      expect(await actions(useCaseId)).toEqual(expect.arrayContaining(['impact_assessment.changes_requested', 'impact_assessment.approved']));
      await expect(t.dataSource.query('DELETE FROM impact_assessment_decisions WHERE id = $1', [redraft.approval.id])).rejects.toThrow(/immutable/);
    });

    it('a decision and a change of scope never cross: either the change comes first and the decision is refused, or the approval records the scope it saw', async () => {
      for (let i = 0; i < 6; i++) {
        const { useCaseId, revision } = await submitted();
        const [decision, change] = await Promise.all([
          decide(world.legal, useCaseId, revision),
          t.http().patch(`/api/use-cases/${useCaseId}`).set(bearer(world.opener.token)).send({ intendedUse: `Also rank claims (${i}).` }),
        ]);
        expect(change.status).toBe(200);
        const after = await view(useCaseId);
        if (decision.status === 201) expect(after.standing).toEqual({ state: 'stale', reasons: [expect.stringContaining('intended use')] });
        else {
          expect(decision.body.type).toBe('urn:gatehouse:problem:assessment-scope-changed');
          expect(after.status).toBe('submitted');
        }
      }
    });
  });

  describe('staleness and the gates', () => {
    it('goes stale when the intended use, stakeholders, inputs or outputs change, and when the tier rises; not when it falls or other fields change', async () => {
      const useCaseId = await givenUseCaseAt(t, world, 'limited');
      await givenApprovedAssessment(t, useCaseId, world.opener, world.legal2);
      await t.http().patch(`/api/use-cases/${useCaseId}`).set(bearer(world.opener.token)).send({ businessProblem: 'Claims wait too long.' }).expect(200);
      expect((await view(useCaseId)).standing.state).toBe('approved');
      for (const change of [{ intendedUse: 'Rank claims.' }, { stakeholders: [{ name: 'claimants', objectives: 'fast handling', affectedNonUser: true }] }, { inputs: ['claim text', 'photos'] }, { outputs: ['queue'] }]) {
        const fresh = await givenUseCaseAt(t, world, 'limited');
        await givenApprovedAssessment(t, fresh, world.opener, world.legal2);
        await t.http().patch(`/api/use-cases/${fresh}`).set(bearer(world.opener.token)).send(change).expect(200);
        expect((await view(fresh)).standing).toMatchObject({ state: 'stale', reasons: [expect.stringMatching(/changed since the impact assessment was approved/)] });
      }
      // The tier rises (a severity-5 risk makes it high): stale.
      await t.http().post(`/api/use-cases/${useCaseId}/risks`).set(bearer(world.opener.token)).send({ description: 'harm', category: 'safety', severity: 5, likelihood: 1 }).expect(201);
      expect((await view(useCaseId)).standing.reasons).toEqual([expect.stringContaining('rose from limited to high')]);
      // Approved at high, then the tier falls: still approved.
      const high = await givenUseCaseAt(t, world, 'high');
      await givenApprovedAssessment(t, high, world.opener, world.legal2);
      const { content } = (await t.http().get(`/api/use-cases/${high}`).set(bearer(world.opener.token))).body;
      await t.http().delete(`/api/use-cases/${high}/risks/${content.risks[0].id}`).set(bearer(world.opener.token)).expect(200);
      expect((await view(high)).standing.state).toBe('approved');
    });

    it('keeps the design gate shut without an approved assessment, and again once it goes stale, until it is approved again', async () => {
      const useCaseId = await givenUseCaseAt(t, world, 'limited');
      await satisfyRequirements(t, world, useCaseId, 'design_to_develop', 'limited');
      await t.http().patch(`/api/use-cases/${useCaseId}`).set(bearer(world.opener.token)).send({ intendedUse: 'Now also rank claims.' }).expect(200);
      const refused = await t.http().post(`/api/use-cases/${useCaseId}/reviews`).set(bearer(world.opener.token)).send({ gate: 'design_to_develop' }).expect(422);
      expect(refused.body.errors).toEqual([{ field: 'impactAssessment', detail: expect.stringContaining('intended use changed') }]);
      const clearance = (await t.http().get(`/api/use-cases/${useCaseId}`).set(bearer(world.opener.token))).body.impactAssessment;
      expect(clearance).toMatchObject({ state: 'stale', approvedRevision: 1 });
      await givenApprovedAssessment(t, useCaseId, world.opener, world.legal2);
      await t.http().post(`/api/use-cases/${useCaseId}/reviews`).set(bearer(world.opener.token)).send({ gate: 'design_to_develop' }).expect(201);
    });

    it('re-checks the assessment at the moment the gate would pass: a new template version the policy does not accept holds the gate', async () => {
      const useCaseId = await givenUseCaseAt(t, world, 'limited');
      const review = await openReview(t, world, useCaseId, 'design_to_develop', 'limited');
      await signOff(t, world.developer, review.id, 'developer', review.revision).expect(201);
      await signOff(t, world.deployer, review.id, 'deployer', review.revision).expect(201);
      const admin = await adminUser(t);
      await t.http().post('/api/assessment-templates').set(bearer(admin.token)).send({ document: { ...template.document, name: 'Version 2' }, note: 'reworded' }).expect(201);
      try {
        const last = (await signOff(t, world.legal, review.id, 'legal', review.revision).expect(201)).body;
        expect(last.status).toBe('open');
        expect(last.unmetRequirements).toEqual([{ field: 'impactAssessment', detail: expect.stringContaining('needs template version 2') }]);
        await givenApprovedAssessment(t, useCaseId, world.opener, world.legal2);
        // The next decision on the review finds nothing missing, and passes it.
        expect((await signOff(t, world.legal, review.id, 'legal', review.revision).expect(201)).body.status).toBe('passed');
      } finally {
        // Later tests answer the current template: put version 1's questions back as version 3.
        await t.http().post('/api/assessment-templates').set(bearer(admin.token)).send({ document: template.document, note: 'back to the original' }).expect(201);
        template = await currentTemplate(t, world.opener.token);
      }
    });

    it('tells a pipeline that asks about an approved revision that the assessment it needed has gone stale', async () => {
      const useCaseId = await givenUseCaseAt(t, world, 'limited');
      const review = await openReview(t, world, useCaseId, 'design_to_develop', 'limited');
      for (const [user, role] of [[world.developer, 'developer'], [world.deployer, 'deployer'], [world.legal, 'legal']] as const) {
        await signOff(t, user, review.id, role, review.revision).expect(201);
      }
      const ask = async () => (await t.http().get(`/api/use-cases/${useCaseId}/clearance`).query({ stage: 'develop', revision: review.revision }).set(bearer(world.opener.token)).expect(200)).body;
      expect(await ask()).toMatchObject({ cleared: true, impactAssessment: { state: 'approved', requiredForStage: true } });
      await t.http().patch(`/api/use-cases/${useCaseId}`).set(bearer(world.opener.token))
      .send({ stakeholders: [{ name: 'claimants', objectives: 'fast handling', affectedNonUser: true }] }).expect(200);
      const after = await ask();
      expect(after).toMatchObject({ cleared: false, impactAssessment: { state: 'stale', requiredForStage: true } });
      expect(after.reason).toMatch(/impact assessment .* is stale/);
    });
  });

  function textQuestion(): string {
    return template.document.sections.flatMap((s) => s.questions).find((q) => q.kind === 'text')!.id;
  }
});
