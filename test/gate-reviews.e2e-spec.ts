import { Client } from 'pg';
import { AuditReader } from '@app/audit';
import { adminUser, bearer, createTestApp, givenApiKey, givenTeam, givenUser, TestApp, TestUser } from './support';
import { givenDevelopers, givenReviewWorld, wholeInbox, givenUseCaseAt, openReview, ReviewWorld, satisfyRequirements, signOff } from './support/review-world';

describe('gate reviews and sign-offs', () => {
  let t: TestApp;
  let world: ReviewWorld;
  // Passport's strategies are process-wide, so a second app in this process stays open until the end.
  let secondInstance: TestApp | undefined;

  beforeAll(async () => {
    t = await createTestApp({ env: { DATABASE_POOL_SIZE: '30' } });
    world = await givenReviewWorld(t);
  });
  afterAll(async () => {
    await secondInstance?.app.close();
    await t.close();
  });

  const events = async (useCaseId: string, action: string) =>
    (await t.dataSource.query('SELECT payload FROM audit_events WHERE use_case_id = $1 AND action = $2 ORDER BY seq', [useCaseId, action])).map((r: { payload: unknown }) => r.payload);

  describe('opening', () => {
    it('lists exactly what is missing before a review can open', async () => {
      const useCaseId = await givenUseCaseAt(t, world, 'limited');
      const res = await t.http().post(`/api/use-cases/${useCaseId}/reviews`).set(bearer(world.opener.token)).send({ gate: 'design_to_develop' });
      expect(res.status).toBe(422);
      expect(res.body.errors.map((e: { detail: string }) => e.detail).sort()).toEqual([
        'impact assessment: The use case has no impact assessment.',
        'missing evidence: risk_assessment',
        'unanswered checklist item: all.diverse_team',
        'unanswered checklist item: all.laws_and_regulations',
        'unanswered checklist item: design.assess_risks',
        'unanswered checklist item: design.define_use_case',
        'unanswered checklist item: design.identify_limitations',
      ]);
    });

    it('pins the revision, the policy version and the role slots', async () => {
      const useCaseId = await givenUseCaseAt(t, world, 'high');
      const review = await openReview(t, world, useCaseId, 'design_to_develop', 'high');
      const current = (await t.http().get(`/api/use-cases/${useCaseId}`).set(bearer(world.opener.token))).body;
      expect(review).toMatchObject({ gate: 'design_to_develop', tier: 'high', policyVersion: 1, revision: current.revision, contentHash: current.contentHash, status: 'open' });
      expect(review.slots).toEqual([{ role: 'developer', quorum: 1 }, { role: 'deployer', quorum: 1 }, { role: 'legal', quorum: 1 }, { role: 'assessor', quorum: 1 }]);
      expect(current.status).toBe('in_review');
      const again = await t.http().post(`/api/use-cases/${useCaseId}/reviews`).set(bearer(world.opener.token)).send({ gate: 'design_to_develop' }).expect(409);
      expect(again.body).toMatchObject({ type: 'urn:gatehouse:problem:review-already-open', reviewId: review.id });
    });

    it('refuses a prohibited use case and a gate that does not end the current stage', async () => {
      const useCaseId = await givenUseCaseAt(t, world, 'minimal');
      await t.http().post(`/api/use-cases/${useCaseId}/reviews`).set(bearer(world.opener.token)).send({ gate: 'deploy_to_operate' }).expect(422);
      await t.http().put(`/api/use-cases/${useCaseId}/tier-override`).set(bearer(world.legal.token)).send({ tier: 'prohibited', justification: 'social scoring of employees' }).expect(200);
      const res = await t.http().post(`/api/use-cases/${useCaseId}/reviews`).set(bearer(world.opener.token)).send({ gate: 'design_to_develop' });
      expect(res.status).toBe(422);
      expect(res.body.errors[0].detail).toBe('a prohibited use case cannot pass any gate');
    });
  });

  describe('the sign-off rules', () => {
    let reviewId: string;
    let revision: number;
    let useCaseId: string;

    beforeEach(async () => {
      useCaseId = await givenUseCaseAt(t, world, 'high');
      const review = await openReview(t, world, useCaseId, 'design_to_develop', 'high');
      reviewId = review.id;
      revision = review.revision;
    });

    it('the opener cannot sign', async () => {
      const res = await signOff(t, world.opener, reviewId, 'developer', revision);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ type: 'urn:gatehouse:problem:opener-cannot-sign' });
    });

    it('only a holder of the role signs in it', async () => {
      expect((await signOff(t, world.deployer, reviewId, 'legal', revision)).body.type).toBe('urn:gatehouse:problem:role-not-held');
      // A developer of another team does not even see the review.
      const stranger = await givenUser(t, { teams: [{ teamId: (await givenTeam(t)).id, role: 'developer' }] });
      expect((await signOff(t, stranger, reviewId, 'developer', revision)).status).toBe(404);
    });

    it('one person fills one slot', async () => {
      const both = await givenUser(t, { roles: ['legal'], teams: [{ teamId: world.devTeam, role: 'developer' }] });
      await signOff(t, both, reviewId, 'developer', revision).expect(201);
      const res = await signOff(t, both, reviewId, 'legal', revision);
      expect(res.status).toBe(403);
      expect(res.body.type).toBe('urn:gatehouse:problem:one-slot-per-person');
    });

    it('a team member cannot sign as independent assessor, nor can an author of a revision', async () => {
      const insider = await givenUser(t, { roles: ['assessor'], teams: [{ teamId: world.opsTeam, role: 'deployer' }] });
      expect((await signOff(t, insider, reviewId, 'assessor', revision)).body.type).toBe('urn:gatehouse:problem:assessor-not-independent');
      const author = await givenUser(t, { roles: ['assessor'], teams: [{ teamId: world.devTeam, role: 'developer' }] });
      await t.http().patch(`/api/use-cases/${useCaseId}`).set(bearer(author.token)).send({ outputs: ['queue', 'score'] }).expect(200);
      await t.http().delete(`/api/teams/${world.devTeam}/members/${author.id}/developer`).set(bearer((await adminUser(t)).token)).expect(200);
      const current = (await t.http().get(`/api/reviews/${reviewId}`).set(bearer(world.legal.token))).body;
      const res = await signOff(t, author, reviewId, 'assessor', current.revision);
      expect(res.status).toBe(403);
      expect(res.body.detail).toMatch(/never authored a revision/);
    });

    it('a decision names the revision under review', async () => {
      const res = await signOff(t, world.legal, reviewId, 'legal', revision - 1);
      expect(res.status).toBe(409);
      expect(res.body.type).toBe('urn:gatehouse:problem:stale-revision');
    });

    it('a later decision supersedes the earlier one, which stays in the history', async () => {
      await signOff(t, world.legal, reviewId, 'legal', revision, 'approve').expect(201);
      await signOff(t, world.legal, reviewId, 'legal', revision, 'approve', { comment: 'second thoughts, still fine' }).expect(201);
      const view = (await t.http().get(`/api/reviews/${reviewId}`).set(bearer(world.legal.token)).expect(200)).body;
      expect(view.signOffs.filter((s: { signerId: string }) => s.signerId === world.legal.id).map((s: { superseded: boolean }) => s.superseded)).toEqual([true, false]);
      expect(await events(useCaseId, 'sign_off.superseded')).toHaveLength(1);
      await expect(t.dataSource.query(`UPDATE sign_offs SET comment = 'edited' WHERE review_id = $1`, [reviewId])).rejects.toThrow(/immutable/);
    });

    it('answers a decision with the review state and that decision, the same size however long the history', async () => {
      const sizes: number[] = [];
      for (let i = 0; i < 12; i++) {
        const res = await signOff(t, world.developer, reviewId, 'developer', revision, 'approve', { comment: 'still fine' }).expect(201);
        expect(res.body).not.toHaveProperty('signOffs');
        expect(res.body).toMatchObject({ id: reviewId, status: 'open', signOff: { signerId: world.developer.id, role: 'developer', decision: 'approve', superseded: false, stale: false } });
        expect(res.body.missing.map((m: { role: string }) => m.role)).not.toContain('developer');
        sizes.push(JSON.stringify({ ...res.body, signOff: { ...res.body.signOff, id: '', createdAt: '' } }).length);
      }
      expect(new Set(sizes).size).toBe(1);
      // The history is all there on the review itself.
      const view = (await t.http().get(`/api/reviews/${reviewId}`).set(bearer(world.legal.token)).expect(200)).body;
      expect(view.signOffs.filter((s: { signerId: string }) => s.signerId === world.developer.id).length).toBeGreaterThanOrEqual(12);
    });

    it('a change after two approvals makes both stale; the review waits for them again', async () => {
      await signOff(t, world.developer, reviewId, 'developer', revision).expect(201);
      await signOff(t, world.legal, reviewId, 'legal', revision).expect(201);
      await t.http().patch(`/api/use-cases/${useCaseId}`).set(bearer(world.opener.token)).send({ intendedUse: 'Suggest a queue; a handler always confirms.' }).expect(200);
      const view = (await t.http().get(`/api/reviews/${reviewId}`).set(bearer(world.legal.token))).body;
      expect(view.revision).toBe(revision + 1);
      expect(view.signOffs.map((s: { stale: boolean }) => s.stale)).toEqual([true, true]);
      expect(view.missing.map((m: { role: string }) => m.role).sort()).toEqual(['assessor', 'deployer', 'developer', 'legal']);
      const [staled] = await events(useCaseId, 'sign_off.staled');
      expect(staled.staleSignOffs.map((s: { signerId: string }) => s.signerId).sort()).toEqual([world.developer.id, world.legal.id].sort());
      // Renewed on the new revision, they count again.
      await signOff(t, world.developer, reviewId, 'developer', revision + 1).expect(201);
      expect((await t.http().get(`/api/reviews/${reviewId}`).set(bearer(world.legal.token))).body.missing.map((m: { role: string }) => m.role).sort()).toEqual(['assessor', 'deployer', 'legal']);
    });

    it('a rejection closes the review, and nothing can be approved afterwards', async () => {
      await signOff(t, world.legal, reviewId, 'legal', revision, 'reject', { comment: 'no lawful basis for the data' }).expect(201);
      const res = await signOff(t, world.developer, reviewId, 'developer', revision);
      expect(res.status).toBe(409);
      expect(res.body.type).toBe('urn:gatehouse:problem:review-closed');
      expect((await t.http().get(`/api/use-cases/${useCaseId}`).set(bearer(world.legal.token))).body).toMatchObject({ stage: 'design', status: 'active' });
      expect(await events(useCaseId, 'gate_review.rejected')).toHaveLength(1);
    });

    it('a request for changes sends the review back to the team', async () => {
      const view = (await signOff(t, world.deployer, reviewId, 'deployer', revision, 'request_changes', { comment: 'add a rollback plan' }).expect(201)).body;
      expect(view.status).toBe('changes_requested');
      await satisfyRequirements(t, world, useCaseId, 'design_to_develop', 'high');
      await t.http().post(`/api/use-cases/${useCaseId}/reviews`).set(bearer(world.opener.token)).send({ gate: 'design_to_develop' }).expect(201);
    });
  });

  describe('passing, once', () => {
    it('passes at the moment every quorum is met, changes the stage in the same transaction, and tracks conditions', async () => {
      const useCaseId = await givenUseCaseAt(t, world, 'limited');
      const review = await openReview(t, world, useCaseId, 'design_to_develop', 'limited');
      await signOff(t, world.developer, review.id, 'developer', review.revision, 'approve', { conditions: [{ description: 'retest after the next data refresh', ownerId: world.developer.id, dueDate: '2027-03-31' }] }).expect(201);
      await signOff(t, world.deployer, review.id, 'deployer', review.revision).expect(201);
      expect((await t.http().get(`/api/use-cases/${useCaseId}`).set(bearer(world.legal.token))).body.stage).toBe('design');
      const passed = (await signOff(t, world.legal, review.id, 'legal', review.revision).expect(201)).body;
      expect(passed.status).toBe('passed');
      expect((await t.http().get(`/api/use-cases/${useCaseId}`).set(bearer(world.legal.token))).body).toMatchObject({ stage: 'develop', status: 'active' });
      const [event] = await events(useCaseId, 'gate_review.passed');
      expect(event).toMatchObject({ before: { stage: 'design' }, after: { stage: 'develop' }, gate: 'design_to_develop', revision: review.revision });
      const obligations = (await t.http().get(`/api/use-cases/${useCaseId}/obligations`).set(bearer(world.opener.token)).expect(200)).body;
      expect(obligations).toEqual([expect.objectContaining({ description: 'retest after the next data refresh', ownerId: world.developer.id, dueDate: '2027-03-31', status: 'open' })]);
      await t.http().patch(`/api/use-cases/${useCaseId}/obligations/${obligations[0].id}`).set(bearer(world.opener.token)).send({ status: 'closed', note: 'retested' }).expect(200);
      expect(await events(useCaseId, 'obligation.updated')).toHaveLength(1);
    });

    it('100 concurrent final sign-offs and retried requests, on two API instances, pass the gate exactly once', async () => {
      const useCaseId = await givenUseCaseAt(t, world, 'minimal');
      const review = await openReview(t, world, useCaseId, 'design_to_develop', 'minimal');
      const developers = await givenDevelopers(t, world.devTeam, 100);
      const retrier = developers[0];
      // A second API instance on the same database takes half of the requests.
      const other = (secondInstance = await createTestApp({ database: t.database, env: { DATABASE_POOL_SIZE: '30' } }));
      const attempts = [
        ...developers.map((dev, i) => signOff(i % 2 ? other : t, dev, review.id, 'developer', review.revision)),
        ...Array.from({ length: 5 }, (_, i) => signOff(i % 2 ? other : t, retrier, review.id, 'developer', review.revision).set('Idempotency-Key', `retry-${review.id}`)),
      ];
      const statuses = (await Promise.all(attempts)).map((res) => res.status);
      expect(statuses.every((status) => [201, 409].includes(status))).toBe(true);
      expect(await events(useCaseId, 'gate_review.passed')).toHaveLength(1);
      expect((await t.http().get(`/api/use-cases/${useCaseId}`).set(bearer(world.legal.token))).body.stage).toBe('develop');
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM gate_reviews WHERE use_case_id = $1 AND status = 'passed'`, [useCaseId]);
      expect(n).toBe(1);
      // Every decision that was accepted is in the history; none was lost.
      const accepted = statuses.filter((status) => status === 201).length;
      const [{ rows }] = await t.dataSource.query('SELECT count(*)::int AS rows FROM sign_offs WHERE review_id = $1', [review.id]);
      expect(rows).toBeLessThanOrEqual(accepted);
      expect(rows).toBeGreaterThanOrEqual(1);
      expect(await t.app.get(AuditReader).verify({}, { record: false })).toMatchObject({ intact: true });
    });

    it('replays a retried request with its Idempotency-Key instead of deciding twice', async () => {
      const useCaseId = await givenUseCaseAt(t, world, 'high');
      const review = await openReview(t, world, useCaseId, 'design_to_develop', 'high');
      const first = await signOff(t, world.legal, review.id, 'legal', review.revision).set('Idempotency-Key', 'legal-once');
      const again = await signOff(t, world.legal, review.id, 'legal', review.revision).set('Idempotency-Key', 'legal-once');
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      const [{ n }] = await t.dataSource.query('SELECT count(*)::int AS n FROM sign_offs WHERE review_id = $1', [review.id]);
      expect(n).toBe(1);
      const other = await signOff(t, world.legal, review.id, 'legal', review.revision, 'reject').set('Idempotency-Key', 'legal-once');
      expect(other.status).toBe(422);
    });
  });

  describe('work lists and the pipeline check', () => {
    it("lists a review in the inbox of those who still have to sign, oldest first, not in the opener's", async () => {
      const useCaseId = await givenUseCaseAt(t, world, 'limited');
      const review = await openReview(t, world, useCaseId, 'design_to_develop', 'limited');
      const inbox = async (token: string) => (await wholeInbox(t, token)).filter((r) => r.reviewId === review.id);
      expect(await inbox(world.legal.token)).toEqual([expect.objectContaining({ reviewId: review.id, roles: ['legal'] })]);
      expect(await inbox(world.opener.token)).toEqual([]);
      await signOff(t, world.legal, review.id, 'legal', review.revision).expect(201);
      expect(await inbox(world.legal.token)).toEqual([]);
      expect(await inbox(world.legal2.token)).toEqual([]);
    });

    it("says in each inbox item what the use case is called, the review's tier and the approvals the gate still needs", async () => {
      const useCaseId = await givenUseCaseAt(t, world, 'limited');
      const review = await openReview(t, world, useCaseId, 'design_to_develop', 'limited');
      const { title } = (await t.http().get(`/api/use-cases/${useCaseId}`).set(bearer(world.legal.token)).expect(200)).body.content;
      const item = async (user: TestUser) => (await wholeInbox(t, user.token)).find((r) => r.reviewId === review.id);
      expect(await item(world.legal)).toEqual({
        reviewId: review.id, useCaseId, title, tier: 'limited', gate: 'design_to_develop', revision: review.revision, openedAt: expect.any(String), roles: ['legal'],
        missing: [{ role: 'developer', quorum: 1 }, { role: 'deployer', quorum: 1 }, { role: 'legal', quorum: 1 }],
      });
      await signOff(t, world.developer, review.id, 'developer', review.revision).expect(201);
      expect((await item(world.deployer))?.missing).toEqual([{ role: 'deployer', quorum: 1 }, { role: 'legal', quorum: 1 }]);
    });

    it('names the people a review mentions (opener, signers, owners of conditions), so nobody reads ids', async () => {
      const useCaseId = await givenUseCaseAt(t, world, 'limited');
      const review = await openReview(t, world, useCaseId, 'design_to_develop', 'limited');
      await signOff(t, world.legal, review.id, 'legal', review.revision, 'approve', { conditions: [{ description: 'recheck the lawful basis', ownerId: world.deployer.id }] }).expect(201);
      const view = (await t.http().get(`/api/reviews/${review.id}`).set(bearer(world.developer.token)).expect(200)).body;
      const named = [world.opener, world.legal, world.deployer].map((user) => user.id);
      const names: { id: string; displayName: string }[] = await t.dataSource.query('SELECT id, display_name AS "displayName" FROM users WHERE id = ANY($1::uuid[])', [named]);
      expect([...view.people].sort((a, b) => a.id.localeCompare(b.id))).toEqual([...names].sort((a, b) => a.id.localeCompare(b.id)));
      // A decision's answer stays the same size: it names nobody beyond the decision itself.
      const answer = (await signOff(t, world.developer, review.id, 'developer', review.revision).expect(201)).body;
      expect(answer.people).toBeUndefined();
    });

    it('lists every review waiting for a caller who sees many, oldest first, in three queries however many there are', async () => {
      const many = await givenReviewWorld(t);
      const opened: { id: string; revision: number }[] = [];
      for (const tier of ['limited', 'minimal', 'limited', 'high', 'minimal', 'limited'] as const) {
        opened.push(await openReview(t, many, await givenUseCaseAt(t, many, tier), 'design_to_develop', tier));
      }
      const [limited1, minimal1, limited2, high, minimal2, limited3] = opened;
      await signOff(t, many.legal2, limited2.id, 'legal', limited2.revision).expect(201);
      await signOff(t, many.developer, limited3.id, 'developer', limited3.revision).expect(201);
      const inbox = async (user: TestUser) => {
        const ids = new Set(opened.map((review) => review.id));
        const items = await wholeInbox(t, user.token);
        return items.filter((item) => ids.has(item.reviewId)).map((item) => [item.reviewId, item.roles]);
      };
      const waiting = (role: string, ...reviews: { id: string }[]) => reviews.map((review) => [review.id, [role]]);
      expect(await inbox(many.legal)).toEqual(waiting('legal', limited1, high, limited3));
      expect(await inbox(many.developer)).toEqual(waiting('developer', limited1, minimal1, limited2, high, minimal2));
      expect(await inbox(many.deployer)).toEqual(waiting('deployer', limited1, limited2, high, limited3));
      expect(await inbox(many.assessors[0])).toEqual(waiting('assessor', high));
      expect(await inbox(many.opener)).toEqual([]);

      // The reads of reviews, decisions and authors an inbox makes do not grow with the reviews it has to consider.
      // Counted at the driver: TypeORM's queries and the prepared statements both go through it.
      const readsDuring = async (work: () => Promise<unknown>) => {
        const spy = jest.spyOn(Client.prototype, 'query');
        try {
          await work();
          const texts = spy.mock.calls.map(([query]: unknown[]) => (typeof query === 'string' ? query : ((query as { text?: string })?.text ?? '')));
          return texts.filter((sql) => /gate_reviews|sign_offs|use_case_revisions/.test(sql)).length;
        } finally {
          spy.mockRestore();
        }
      };
      expect(await readsDuring(() => inbox(many.developer))).toBe(3);
      opened.push(await openReview(t, many, await givenUseCaseAt(t, many, 'minimal'), 'design_to_develop', 'minimal'));
      expect(await readsDuring(() => inbox(many.developer))).toBe(3);
      expect(await inbox(many.developer)).toHaveLength(6);
    });

    it('pages the inbox oldest first: every waiting review once, whatever the page size, and a cursor it never gave is refused', async () => {
      const paged = await givenReviewWorld(t);
      for (const tier of ['limited', 'high', 'limited', 'high', 'limited'] as const) {
        await openReview(t, paged, await givenUseCaseAt(t, paged, tier), 'design_to_develop', tier);
      }
      // Legal reads every use case (one plan), a developer only their team's (the other).
      for (const person of [paged.legal, paged.developer]) {
        const all = await wholeInbox(t, person.token, 200);
        expect(all.length).toBeGreaterThanOrEqual(5);
        const byAge = [...all].sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.reviewId.localeCompare(b.reviewId));
        expect(all.map((item) => item.reviewId)).toEqual(byAge.map((item) => item.reviewId));
        for (const limit of [1, 2, 3]) expect(await wholeInbox(t, person.token, limit)).toEqual(all);
      }
      const first = (await t.http().get('/api/me/inbox').query({ limit: 1 }).set(bearer(paged.legal.token)).expect(200)).body;
      expect(first.items).toHaveLength(1);
      expect(first.nextCursor).toEqual(expect.any(String));
      for (const cursor of ['not-a-cursor', Buffer.from('2025-13-01 00:00:00+00|x').toString('base64url')]) {
        const refused = await t.http().get('/api/me/inbox').query({ cursor }).set(bearer(paged.legal.token)).expect(422);
        expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
      }
      await t.http().get('/api/me/inbox').query({ limit: 0 }).set(bearer(paged.legal.token)).expect(422);
      await t.http().get('/api/me/inbox').query({ limit: 201 }).set(bearer(paged.legal.token)).expect(422);
    });

    it('answers whether a use case is cleared for a stage at a revision, with the reason, to a pipeline key', async () => {
      const useCaseId = await givenUseCaseAt(t, world, 'minimal');
      const key = (await givenApiKey(t, world.opener)).token;
      const clearance = async (query: string) => (await t.http().get(`/api/use-cases/${useCaseId}/clearance?${query}`).set('X-API-Key', key).expect(200)).body;
      expect(await clearance('stage=develop')).toMatchObject({ cleared: false, reason: expect.stringMatching(/has not passed the gate into develop/) });
      const review = await openReview(t, world, useCaseId, 'design_to_develop', 'minimal');
      await signOff(t, world.developer, review.id, 'developer', review.revision).expect(201);
      expect(await clearance(`stage=develop&revision=${review.revision}`)).toMatchObject({ cleared: true });
      await t.http().patch(`/api/use-cases/${useCaseId}`).set(bearer(world.opener.token)).send({ title: 'changed after approval' }).expect(200);
      expect(await clearance('stage=develop')).toMatchObject({ cleared: false, revision: review.revision + 1, reason: expect.stringMatching(/has not been approved/) });
      expect(await clearance('stage=deploy')).toMatchObject({ cleared: false });
    });
  });
});
