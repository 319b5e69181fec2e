import { randomUUID } from 'node:crypto';
import { AuditReader } from '@app/audit';
import { adminUser, bearer, createTestApp, givenUser, TestApp, TestUser } from './support';
import { givenReviewWorld, givenUseCaseAt, openReview, ReviewWorld, satisfyRequirements, signOff } from './support/review-world';

/**
 * The first promise — a gate passes only when its policy is met — attacked
 * with ordinary requests by signed-in people, in the orders of events that
 * broke it before: the tier changing under an open review, the tier
 * override used to get around separation of duties, conditions that block
 * later decisions, and refusals that left no trace.
 */
describe('gate guarantees under attack', () => {
  let t: TestApp;
  let world: ReviewWorld;

  beforeAll(async () => {
    t = await createTestApp();
    world = await givenReviewWorld(t);
  });
  afterAll(() => t.close());

  const as = (user: TestUser) => bearer(user.token);
  const useCase = async (id: string) => (await t.http().get(`/api/use-cases/${id}`).set(as(world.legal)).expect(200)).body;
  const review = async (id: string) => (await t.http().get(`/api/reviews/${id}`).set(as(world.legal)).expect(200)).body;
  const events = async (useCaseId: string, action: string) =>
    (await t.dataSource.query('SELECT payload, reason, actor_id FROM audit_events WHERE use_case_id = $1 AND action = $2 ORDER BY seq', [useCaseId, action])) as {
      payload: Record<string, unknown>;
      reason: string | null;
      actor_id: string;
    }[];
  const passedReviews = async (useCaseId: string) =>
    (await t.dataSource.query(`SELECT count(*)::int AS n FROM gate_reviews WHERE use_case_id = $1 AND status = 'passed'`, [useCaseId]))[0].n as number;
  const override = (user: TestUser, id: string, tier: string) =>
    t.http().put(`/api/use-cases/${id}/tier-override`).set(as(user)).send({ tier, justification: `decided: ${tier} for this use case` });
  const addRisk = (id: string, severity: number, likelihood: number) =>
    t.http().post(`/api/use-cases/${id}/risks`).set(as(world.opener)).send({ description: 'harm to applicants', category: 'fairness', severity, likelihood }).expect(201);

  describe('a prohibited use case passes no gate, whatever the order of events', () => {
    it.each([
      ['before any decision', 0],
      ['after some approvals, before the last one', 2],
    ])('override to prohibited %s: the open review is superseded and the last approval passes nothing', async (_when, approvalsFirst) => {
      const id = await givenUseCaseAt(t, world, 'limited');
      const opened = await openReview(t, world, id, 'design_to_develop', 'limited');
      const signers: [TestUser, string][] = [[world.developer, 'developer'], [world.deployer, 'deployer'], [world.legal, 'legal']];
      for (const [user, role] of signers.slice(0, approvalsFirst)) await signOff(t, user, opened.id, role, opened.revision).expect(201);

      await override(world.legal2, id, 'prohibited').expect(200);
      expect(await review(opened.id)).toMatchObject({ status: 'superseded' });
      expect(await useCase(id)).toMatchObject({ tier: 'prohibited', stage: 'design', status: 'active' });

      const current = (await useCase(id)).revision;
      for (const [user, role] of signers.slice(approvalsFirst)) {
        const res = await signOff(t, user, opened.id, role, current);
        expect(res.status).toBe(409);
        expect(res.body.type).toBe('urn:gatehouse:problem:review-closed');
      }
      const reopen = await t.http().post(`/api/use-cases/${id}/reviews`).set(as(world.opener)).send({ gate: 'design_to_develop' });
      expect(reopen.status).toBe(422);
      expect(await passedReviews(id)).toBe(0);
      expect(await events(id, 'gate_review.superseded')).toHaveLength(1);
    });

    it('a retirement review of a use case that becomes prohibited is superseded too', async () => {
      const id = await givenUseCaseAt(t, world, 'minimal');
      const opened = await openReview(t, world, id, 'retire', 'minimal');
      await override(world.assessors[0], id, 'prohibited').expect(200);
      expect(await review(opened.id)).toMatchObject({ status: 'superseded' });
      expect(await passedReviews(id)).toBe(0);
    });
  });

  describe('a tier that changes during an open review', () => {
    it('rises: the review is re-pinned to the higher tier, and the gate waits for its assessor and its evidence', async () => {
      const id = await givenUseCaseAt(t, world, 'limited');
      const opened = await openReview(t, world, id, 'design_to_develop', 'limited');
      await signOff(t, world.developer, opened.id, 'developer', opened.revision).expect(201);

      await addRisk(id, 5, 1); // severity 5 makes it high
      const repinned = await review(opened.id);
      expect(repinned).toMatchObject({ status: 'open', tier: 'high' });
      expect(repinned.slots).toEqual([{ role: 'developer', quorum: 1 }, { role: 'deployer', quorum: 1 }, { role: 'legal', quorum: 1 }, { role: 'assessor', quorum: 1 }]);
      expect(repinned.unmetRequirements.map((gap: { detail: string }) => gap.detail)).toEqual(
        expect.arrayContaining(['missing evidence: legal_review', 'unanswered checklist item: all.independent_assessment']),
      );
      expect(await events(id, 'gate_review.repinned')).toEqual([
        expect.objectContaining({ payload: expect.objectContaining({ before: expect.objectContaining({ tier: 'limited' }), after: expect.objectContaining({ tier: 'high' }) }) }),
      ]);

      // Everyone the limited review asked for approves the current content: not enough any more.
      const revision = repinned.revision;
      for (const [user, role] of [[world.developer, 'developer'], [world.deployer, 'deployer'], [world.legal, 'legal']] as const) {
        await signOff(t, user, opened.id, role, revision).expect(201);
      }
      expect(await review(opened.id)).toMatchObject({ status: 'open', missing: [{ role: 'assessor', quorum: 1 }] });

      // Even with the assessor's quorum met, the gate does not pass while the high tier's evidence is missing.
      await signOff(t, world.assessors[0], opened.id, 'assessor', revision).expect(201);
      const waiting = await review(opened.id);
      expect(waiting).toMatchObject({ status: 'open', missing: [] });
      expect(waiting.unmetRequirements.length).toBeGreaterThan(0);
      expect(await passedReviews(id)).toBe(0);
      expect((await useCase(id)).stage).toBe('design');

      // Meet the requirements (new content: approvals are stale), sign again, and it passes once.
      await satisfyRequirements(t, world, id, 'design_to_develop', 'high');
      const final = (await review(opened.id)).revision;
      for (const [user, role] of [[world.developer, 'developer'], [world.deployer, 'deployer'], [world.legal, 'legal'], [world.assessors[0], 'assessor']] as const) {
        await signOff(t, user, opened.id, role, final).expect(201);
      }
      expect(await review(opened.id)).toMatchObject({ status: 'passed', unmetRequirements: [] });
      expect(await passedReviews(id)).toBe(1);
    });

    it('falls: the review is re-pinned to the lower tier, and a legal slot it no longer has refuses a decision', async () => {
      const id = await givenUseCaseAt(t, world, 'limited');
      const opened = await openReview(t, world, id, 'design_to_develop', 'limited');
      const risk = (await useCase(id)).content.risks[0];
      await t.http().put(`/api/use-cases/${id}/risks/${risk.id}`).set(as(world.opener))
        .send({ description: risk.description, category: risk.category, severity: 1, likelihood: 1 }).expect(200);
      const repinned = await review(opened.id);
      expect(repinned).toMatchObject({ status: 'open', tier: 'minimal', slots: [{ role: 'developer', quorum: 1 }] });
      const legal = await signOff(t, world.legal, opened.id, 'legal', repinned.revision);
      expect(legal.status).toBe(422);
      expect(legal.body.type).toBe('urn:gatehouse:problem:role-not-required');
      await signOff(t, world.developer, opened.id, 'developer', repinned.revision).expect(201);
      expect(await review(opened.id)).toMatchObject({ status: 'passed' });
    });
  });

  describe('the tier override is a governed decision', () => {
    it('refuses a team member who holds assessor, and the gate does not pass on one teammate', async () => {
      const insider = await givenUser(t, { roles: ['assessor'], teams: [{ teamId: world.devTeam, role: 'developer' }], name: 'insider' });
      const id = await givenUseCaseAt(t, world, 'high');
      const refused = await override(insider, id, 'minimal');
      expect(refused.status).toBe(403);
      expect(refused.body.type).toBe('urn:gatehouse:problem:override-by-team-member');
      expect(await useCase(id)).toMatchObject({ tier: 'high', content: { tierOverride: null } });
      const opened = await openReview(t, world, id, 'design_to_develop', 'high');
      await signOff(t, insider, opened.id, 'developer', opened.revision).expect(201);
      expect(await review(opened.id)).toMatchObject({ status: 'open' });
    });

    it('refuses an author of a revision, even one who holds legal', async () => {
      const author = await givenUser(t, { roles: ['legal'], teams: [{ teamId: world.opsTeam, role: 'deployer' }], name: 'author' });
      const id = await givenUseCaseAt(t, world, 'high');
      await t.http().patch(`/api/use-cases/${id}`).set(as(author)).send({ businessProblem: 'Claims pile up for weeks.' }).expect(200);
      // Leaving the team does not wash the authorship away.
      await t.http().delete(`/api/teams/${world.opsTeam}/members/${author.id}/deployer`).set(bearer((await adminUser(t)).token)).expect(200);
      const refused = await override(author, id, 'minimal');
      expect(refused.status).toBe(403);
      expect(refused.body.type).toBe('urn:gatehouse:problem:override-by-author');
    });

    it('lowering takes a second independent person: proposed, not applied; the proposer cannot confirm; another can', async () => {
      const id = await givenUseCaseAt(t, world, 'high');
      const proposal = await override(world.assessors[0], id, 'minimal').expect(202);
      expect(proposal.body).toMatchObject({ status: 'pending', fromTier: 'high', toTier: 'minimal' });
      expect(await useCase(id)).toMatchObject({ tier: 'high' });

      const decide = (user: TestUser, decision = 'confirm') =>
        t.http().post(`/api/use-cases/${id}/tier-change-requests/${proposal.body.id}/decision`).set(as(user)).send({ decision });
      const self = await decide(world.assessors[0]);
      expect(self.status).toBe(403);
      expect(self.body.type).toBe('urn:gatehouse:problem:override-needs-second-person');
      expect(await useCase(id)).toMatchObject({ tier: 'high' });

      await decide(world.legal).expect(200);
      expect(await useCase(id)).toMatchObject({ tier: 'minimal', content: { tierOverride: { tier: 'minimal' } } });
      const [applied] = await events(id, 'use_case.tier_overridden');
      expect(applied.payload).toMatchObject({ requestId: proposal.body.id, proposedBy: world.assessors[0].id, confirmedBy: world.legal.id });
      expect((await decide(world.legal2)).status).toBe(409);
      // Deciding a tier is not authorship: both stay independent for this use case's reviews.
      const opened = await openReview(t, world, id, 'design_to_develop', 'minimal');
      expect(opened.slots).toEqual([{ role: 'developer', quorum: 1 }]);
    });

    it('a proposal made against another tier is stale', async () => {
      const id = await givenUseCaseAt(t, world, 'high');
      const proposal = await override(world.assessors[0], id, 'limited').expect(202);
      await override(world.assessors[1], id, 'prohibited').expect(200);
      const confirm = await t.http().post(`/api/use-cases/${id}/tier-change-requests/${proposal.body.id}/decision`).set(as(world.legal)).send({ decision: 'confirm' });
      expect(confirm.status).toBe(409);
      expect(confirm.body.type).toBe('urn:gatehouse:problem:tier-change-closed');
      expect(await useCase(id)).toMatchObject({ tier: 'prohibited' });
    });

    it('an administrator cannot grant a role to themselves, so cannot become the assessor who lowers a tier', async () => {
      const admin = await adminUser(t);
      const res = await t.http().put(`/api/users/${admin.id}/roles/assessor`).set(as(admin));
      expect(res.status).toBe(403);
      expect(res.body.type).toBe('urn:gatehouse:problem:self-grant');
      const me = (await t.http().get('/api/me').set(as(admin)).expect(200)).body;
      expect(me.roles).not.toContain('assessor');
      const [denied] = await t.dataSource.query(`SELECT payload FROM audit_events WHERE action = 'access.denied' AND actor_id = $1 AND target_id = $1`, [admin.id]);
      expect(denied.payload).toMatchObject({ attempted: 'user.role_granted', code: 'self-grant', status: 403 });
    });

    it('an administrator cannot put themselves on a team, so cannot become the developer who changes and signs for it; another can', async () => {
      const admin = await adminUser(t);
      const res = await t.http().put(`/api/teams/${world.devTeam}/members/${admin.id}/developer`).set(as(admin));
      expect(res.status).toBe(403);
      expect(res.body.type).toBe('urn:gatehouse:problem:self-membership');
      const me = (await t.http().get('/api/me').set(as(admin)).expect(200)).body;
      expect(me.teams).toEqual([]);
      const [denied] = await t.dataSource.query(`SELECT payload FROM audit_events WHERE action = 'access.denied' AND actor_id = $1 AND payload->>'attempted' = 'team.member_added'`, [admin.id]);
      expect(denied.payload).toMatchObject({ attempted: 'team.member_added', code: 'self-membership', status: 403 });
      const other = await givenUser(t, { roles: ['admin'] });
      await t.http().put(`/api/teams/${world.devTeam}/members/${admin.id}/developer`).set(as(other)).expect(200);
      await t.http().delete(`/api/teams/${world.devTeam}/members/${admin.id}/developer`).set(as(other)).expect(200);
    });
  });

  describe('conditions name real people, and nothing a signer writes blocks a later decision', () => {
    it.each([
      ['an id that is no one', () => randomUUID()],
      ['a person who may not read the use case', async () => (await givenUser(t, { name: 'stranger' })).id],
    ])('refuses an owner that is %s (422, field path)', async (_what, owner) => {
      const id = await givenUseCaseAt(t, world, 'limited');
      const opened = await openReview(t, world, id, 'design_to_develop', 'limited');
      const res = await signOff(t, world.legal, opened.id, 'legal', opened.revision, 'approve', {
        conditions: [{ description: 'monitor drift' }, { description: 'named owner', ownerId: await owner() }],
      });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'conditions.1.ownerId' })]);
      // The quorum completes and the gate passes: no 500, nothing half-applied.
      for (const [user, role] of [[world.developer, 'developer'], [world.deployer, 'deployer'], [world.legal, 'legal']] as const) {
        await signOff(t, user, opened.id, role, opened.revision, 'approve', role === 'legal' ? { conditions: [{ description: 'legal owns it', ownerId: world.legal2.id }] } : {}).expect(201);
      }
      expect(await review(opened.id)).toMatchObject({ status: 'passed' });
      const obligations = (await t.http().get(`/api/use-cases/${id}/obligations`).set(as(world.opener)).expect(200)).body;
      expect(obligations).toEqual([expect.objectContaining({ description: 'legal owns it', ownerId: world.legal2.id })]);
    });
  });

  it('a rollback answers with the stage it rolled back to', async () => {
    const id = await givenUseCaseAt(t, world, 'minimal');
    const opened = await openReview(t, world, id, 'design_to_develop', 'minimal');
    await signOff(t, world.developer, opened.id, 'developer', opened.revision).expect(201);
    expect((await useCase(id)).stage).toBe('develop');
    // Not while a review of the stage it would leave is open: that review is decided first.
    const next = await openReview(t, world, id, 'develop_to_deploy', 'minimal');
    const blocked = await t.http().post(`/api/use-cases/${id}/rollback`).set(as(world.developer)).send({ toStage: 'design', reason: 'drift found' }).expect(409);
    expect(blocked.body).toMatchObject({ type: 'urn:gatehouse:problem:rollback-during-review', reviewId: next.id });
    await signOff(t, world.developer, next.id, 'developer', next.revision, 'reject').expect(201);
    const res = await t.http().post(`/api/use-cases/${id}/rollback`).set(as(world.developer)).send({ toStage: 'design', reason: 'drift found' }).expect(201);
    expect(res.body.stage).toBe('design');
    expect((await useCase(id)).stage).toBe('design');
  });

  describe('refused attempts at governed actions are recorded', () => {
    const denials = async (actorId: string) =>
      (await t.dataSource.query(`SELECT payload, target_type, target_id FROM audit_events WHERE action = 'access.denied' AND actor_id = $1 ORDER BY seq`, [actorId])) as {
        payload: { attempted: string; code: string; status: number; suppressedBefore: number };
        target_type: string;
        target_id: string;
      }[];

    it('a self-approval, an admin signing without the role, a cross-team edit, a self-made admin and a developer reading the trail', async () => {
      const id = await givenUseCaseAt(t, world, 'limited');
      const opened = await openReview(t, world, id, 'design_to_develop', 'limited');
      const admin = await givenUser(t, { roles: ['admin'], name: 'second-admin' });
      const otherTeamDeveloper = await givenUser(t, { teams: [{ teamId: (await t.http().post('/api/teams').set(bearer((await adminUser(t)).token)).send({ name: `other ${randomUUID()}` }).expect(201)).body.id, role: 'developer' }] });

      expect((await signOff(t, world.opener, opened.id, 'developer', opened.revision)).status).toBe(403);
      expect((await signOff(t, admin, opened.id, 'legal', opened.revision)).status).toBe(403);
      expect((await t.http().patch(`/api/use-cases/${id}`).set(as(otherTeamDeveloper)).send({ title: 'mine now' })).status).toBe(404);
      expect((await t.http().put(`/api/users/${world.developer.id}/roles/admin`).set(as(world.developer))).status).toBe(403);
      expect((await t.http().get('/api/audit/events').set(as(world.developer))).status).toBe(403);

      expect((await denials(world.opener.id)).map((d) => [d.payload.attempted, d.payload.code])).toEqual([['sign_off.recorded', 'opener-cannot-sign']]);
      expect((await denials(admin.id)).map((d) => [d.payload.attempted, d.payload.code])).toEqual([['sign_off.recorded', 'role-not-held']]);
      expect((await denials(otherTeamDeveloper.id)).map((d) => [d.payload.attempted, d.payload.code, d.target_id])).toEqual([['use_case.updated', 'not-on-team', id]]);
      expect((await denials(world.developer.id)).map((d) => [d.payload.attempted, d.payload.code])).toEqual([
        ['PUT /api/users/:id/roles/:role', 'permission-required'],
        ['GET /api/audit/events', 'permission-required'],
      ]);
      expect(await t.app.get(AuditReader).verify({}, { record: false })).toMatchObject({ intact: true });
    });

    it('a flood of the same refusal is one event a minute, with the rest counted', async () => {
      const flooder = await givenUser(t, { name: 'flooder' });
      for (let i = 0; i < 25; i++) await t.http().get('/api/audit/verify').set(as(flooder)).expect(403);
      const recorded = await denials(flooder.id);
      expect(recorded).toHaveLength(1);
      expect(recorded[0].payload).toMatchObject({ attempted: 'GET /api/audit/verify', code: 'permission-required', suppressedBefore: 0 });
    });
  });
});
