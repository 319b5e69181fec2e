import { Logger } from '@nestjs/common';
import { withClient } from '@app/database';
import { NotificationMailer } from '../apps/api/src/modules/notifications/notification-mailer';
import { NotificationScans } from '../apps/api/src/modules/notifications/notification-scans';
import { NotificationsRepository } from '../apps/api/src/modules/notifications/notifications.repository';
import { bearer, createTestApp, createTestDatabase, givenUser, TestApp, TestDatabase, TestUser } from './support';
import { givenReviewWorld, givenUseCaseAt, openReview, ReviewWorld, signOff } from './support/review-world';
import { freePort, ReceivedMail, SmtpSink, smtpRefusal, startDroppingSmtpServer, startSmtpSink } from './support/smtp-sink';

const PUBLIC_URL = 'https://gatehouse.example.test';

interface Row {
  id: string;
  recipient_user_id: string;
  kind: string;
  cause_key: string;
  subject: string;
  body: string;
  link: string;
  mandatory: boolean;
  email_state: string;
  email_attempts: number;
  last_error: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('notifications, stored and emailed', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let world: ReviewWorld;
  /** On the use case's developer team and an assessor: the sign-off rules never let them assess it. */
  let teamAssessor: TestUser;
  // Passport's strategies are process-wide, so further apps in this process stay open until the end.
  const otherApps: TestApp[] = [];
  const otherSinks: SmtpSink[] = [];
  const otherDatabases: TestDatabase[] = [];

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await createTestApp({
      env: {
        GATEHOUSE_SMTP_URL: sink.url,
        GATEHOUSE_PUBLIC_URL: PUBLIC_URL,
        // The worker's own timer stays out of the way: these tests run its rounds themselves, one at a time.
        GATEHOUSE_NOTIFICATION_POLL_MS: '60000',
        GATEHOUSE_NOTIFICATION_RETRY_BASE_MS: '50',
        GATEHOUSE_NOTIFICATION_MAX_ATTEMPTS: '4',
        GATEHOUSE_NOTIFICATION_SCAN_SECONDS: '86400',
      },
    });
    world = await givenReviewWorld(t);
    teamAssessor = await givenUser(t, { roles: ['assessor'], teams: [{ teamId: world.devTeam, role: 'developer' }], name: 'team-assessor' });
  });
  afterAll(async () => {
    for (const app of otherApps) await app.close();
    for (const database of otherDatabases) await database.drop();
    await t.close();
    for (const other of otherSinks) await other.close();
    await sink.close();
  });
  beforeEach(() => {
    sink.onRcptTo = undefined;
    sink.onData = undefined;
  });

  const rowsOf = (app: TestApp, where: string, params: unknown[]): Promise<Row[]> =>
    app.dataSource.query(`SELECT * FROM notifications WHERE ${where} ORDER BY recipient_user_id`, params);
  const byCause = (causeKey: string, app = t) => rowsOf(app, 'cause_key = $1', [causeKey]);
  const ofUseCase = (useCaseId: string) => rowsOf(t, 'use_case_id = $1', [useCaseId]);
  const emailOf = async (userId: string): Promise<string> => (await t.dataSource.query('SELECT email FROM users WHERE id = $1', [userId]))[0].email;
  const titleOf = async (useCaseId: string): Promise<string> => (await t.http().get(`/api/use-cases/${useCaseId}`).set(bearer(world.opener.token))).body.content.title;
  /** Active people holding an organisation role. */
  const holders = async (role: string): Promise<string[]> =>
    (await t.dataSource.query(`SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = $1 AND u.active AND u.kind = 'person'`, [role])).map((r: { id: string }) => r.id);
  /** Active people on either team. */
  const teamPeople = async (...teamIds: string[]): Promise<string[]> =>
    (await t.dataSource.query(`SELECT DISTINCT u.id FROM users u JOIN team_members m ON m.user_id = u.id WHERE m.team_id = ANY($1::uuid[]) AND u.active AND u.kind = 'person'`, [teamIds])).map((r: { id: string }) => r.id);
  const sorted = (ids: string[]) => [...new Set(ids)].sort();
  const messageIdOf = (row: Row, url = PUBLIC_URL) => `<notification.${row.id}@${new URL(url).hostname}>`;
  const mailFor = (row: Row, messages: ReceivedMail[] = sink.messages) => messages.filter((m) => m.messageId === messageIdOf(row));

  /** Until the test ends, this instance's commits do not start a round: only the test's rounds (or another instance's) send. */
  const holdSendingOnCommit = () => jest.spyOn(t.app.get(NotificationMailer), 'sendAfterCommit').mockImplementation(() => undefined);
  afterEach(() => jest.restoreAllMocks());

  /** Runs the worker's rounds until nothing is waiting to be sent (retries included). */
  async function sendAll(app = t) {
    const mailer = app.app.get(NotificationMailer);
    for (let round = 0; round < 500; round++) {
      await mailer.drain();
      const [{ waiting }] = await app.dataSource.query(`SELECT count(*)::int AS waiting FROM notifications WHERE email_state IN ('pending', 'sending')`);
      if (waiting === 0) return;
      await sleep(10);
    }
    throw new Error('notifications were still waiting to be sent');
  }

  describe('who is told, and what it says', () => {
    it('opening a review asks exactly the people who may fill a missing slot, naming the use case, the gate, what is asked and a link', async () => {
      const useCaseId = await givenUseCaseAt(t, world, 'high');
      const review = await openReview(t, world, useCaseId, 'design_to_develop', 'high');
      const title = await titleOf(useCaseId);
      const rows = await byCause(`review:${review.id}:opened`);

      // Developer: the team's developers but the opener (who may not sign); the assessor on the team counts as a developer only.
      // Deployer: the deployer team. Legal and assessors: every holder of the role, but an assessor on the team.
      const assessors = (await holders('assessor')).filter((id) => id !== teamAssessor.id);
      const expected = sorted([world.developer.id, teamAssessor.id, world.deployer.id, ...(await holders('legal')), ...assessors]);
      expect(sorted(rows.map((r) => r.recipient_user_id))).toEqual(expected);
      expect(rows.map((r) => r.recipient_user_id)).not.toContain(world.opener.id);
      for (const row of rows) {
        // Pending, or already on its way: this instance starts sending as soon as the opening commits.
        expect(['pending', 'sending', 'sent']).toContain(row.email_state);
        expect(row).toMatchObject({ kind: 'sign_off_needed', mandatory: true, use_case_id: useCaseId, link: `${PUBLIC_URL}/reviews/${review.id}` });
      }

      await sendAll();
      for (const row of rows) {
        const [mail, ...more] = mailFor(row);
        expect(more).toEqual([]);
        expect(mail.to).toEqual([await emailOf(row.recipient_user_id)]);
        expect(mail.subject).toBe(`[Gatehouse] Sign-off needed: ${title} (design → develop)`);
        expect(mail.text).toContain(`Use case: ${title}`);
        expect(mail.text).toContain('Gate: design → develop (tier high, revision');
        expect(mail.text).toContain(`Open the review: ${PUBLIC_URL}/reviews/${review.id}`);
        expect(mail.text).toContain('mandatory');
        expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
      }
      const text = (userId: string) => mailFor(rows.find((r) => r.recipient_user_id === userId)!)[0].text;
      expect(text(world.legal.id)).toContain(`What is asked: decide as legal on revision ${review.revision}: approve`);
      expect(text(teamAssessor.id)).toContain('decide as a developer on revision');
      expect(text(world.assessors[0].id)).toContain('decide as an independent assessor on revision');
      expect((await byCause(`review:${review.id}:opened`)).map((r) => r.email_state)).toEqual(rows.map(() => 'sent'));
    });

    it('a tier raised during the review asks the holders of the new slot, and nobody it asked already', async () => {
      const useCaseId = await givenUseCaseAt(t, world, 'limited');
      const review = await openReview(t, world, useCaseId, 'design_to_develop', 'limited');
      expect(review.slots.map((s) => s.role)).toEqual(['developer', 'deployer', 'legal']);
      const raised = await t.http().put(`/api/use-cases/${useCaseId}/tier-override`).set(bearer(world.legal.token)).send({ tier: 'high', justification: 'affects access to benefits' }).expect(200);
      const rows = await byCause(`review:${review.id}:r${raised.body.revision}`);
      expect(sorted(rows.map((r) => r.recipient_user_id))).toEqual(sorted((await holders('assessor')).filter((id) => id !== teamAssessor.id)));
      expect(rows[0].body).toContain('changed (new content or a new risk tier) and needs a sign-off again');
      expect(rows[0].body).toContain('decide as an independent assessor');
      expect(rows[0].body).toContain('tier high');
    });

    it('new content during the review asks again for the approvals it made stale, and only those', async () => {
      const useCaseId = await givenUseCaseAt(t, world, 'limited');
      const review = await openReview(t, world, useCaseId, 'design_to_develop', 'limited');
      await signOff(t, world.legal, review.id, 'legal', review.revision).expect(201);
      const edited = await t.http().patch(`/api/use-cases/${useCaseId}`).set(bearer(world.opener.token)).send({ title: `Renamed ${review.id.slice(0, 8)}` }).expect(200);
      const rows = await byCause(`review:${review.id}:r${edited.body.revision}`);
      // Legal's approval went stale: every legal holder is asked, its signer too; developer and deployer were missing already and were asked at the opening.
      expect(sorted(rows.map((r) => r.recipient_user_id))).toEqual(sorted(await holders('legal')));
      expect(rows[0].subject).toContain(`Renamed ${review.id.slice(0, 8)}`);
      expect(rows[0].body).toContain(`revision ${edited.body.revision}`);
    });

    it('a decision tells the use case’s teams but not the signer; a request for changes says so', async () => {
      const useCaseId = await givenUseCaseAt(t, world, 'limited');
      const review = await openReview(t, world, useCaseId, 'design_to_develop', 'limited');
      const title = await titleOf(useCaseId);
      const team = await teamPeople(world.devTeam, world.opsTeam);

      const approved = (await signOff(t, world.developer, review.id, 'developer', review.revision).expect(201)).body;
      const told = await byCause(`sign_off:${approved.signOff.id}`);
      expect(sorted(told.map((r) => r.recipient_user_id))).toEqual(sorted(team.filter((id) => id !== world.developer.id)));
      expect(told[0]).toMatchObject({ kind: 'decision_made', mandatory: false, link: `${PUBLIC_URL}/reviews/${review.id}` });
      expect(told[0].body).toContain('approved as developer');
      expect(told[0].body).toContain('the review is still open');

      const sentBack = (await signOff(t, world.deployer, review.id, 'deployer', review.revision, 'request_changes').expect(201)).body;
      expect(sentBack.status).toBe('changes_requested');
      const changes = await byCause(`sign_off:${sentBack.signOff.id}`);
      expect(sorted(changes.map((r) => r.recipient_user_id))).toEqual(sorted(team.filter((id) => id !== world.deployer.id)));
      expect(changes.every((r) => r.kind === 'changes_requested')).toBe(true);

      await sendAll();
      const [mail] = mailFor(changes.find((r) => r.recipient_user_id === world.opener.id)!);
      expect(mail.subject).toBe(`[Gatehouse] Changes requested: ${title} (design → develop)`);
      expect(mail.text).toContain('requested changes as deployer');
      expect(mail.text).toContain('Their comment: request_changes as deployer');
      expect(mail.text).toContain('make the changes the reviewer asks for, then open a new review');
      expect(mail.text).toContain(`${PUBLIC_URL}/reviews/${review.id}`);
    });
  });

  describe('a notification exists only if its change committed', () => {
    it('a refused sign-off writes none', async () => {
      const useCaseId = await givenUseCaseAt(t, world, 'minimal');
      const review = await openReview(t, world, useCaseId, 'design_to_develop', 'minimal');
      await sendAll();
      const before = await ofUseCase(useCaseId);
      const refused = await signOff(t, world.opener, review.id, 'developer', review.revision);
      expect(refused.body.type).toBe('urn:gatehouse:problem:opener-cannot-sign');
      expect(await ofUseCase(useCaseId)).toEqual(before);
    });

    it('a decision whose commit fails leaves no notification and sends nothing', async () => {
      const useCaseId = await givenUseCaseAt(t, world, 'minimal');
      const review = await openReview(t, world, useCaseId, 'design_to_develop', 'minimal');
      await sendAll();
      const before = await ofUseCase(useCaseId);
      const received = sink.messages.length;
      // The commit itself fails: a deferred check on the decision's audit event, run after every statement of the transaction.
      await withClient(t.database.url, (client) =>
        client.query(`
          CREATE FUNCTION test_refuse_commit() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF NEW.use_case_id = '${useCaseId}' AND NEW.action = 'sign_off.recorded' THEN RAISE EXCEPTION 'the test refuses this commit'; END IF;
            RETURN NULL;
          END $$;
          CREATE CONSTRAINT TRIGGER test_refuse_commit AFTER INSERT ON audit_pending DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_refuse_commit();`),
      );
      try {
        const res = await signOff(t, world.developer, review.id, 'developer', review.revision);
        expect(res.status).toBeGreaterThanOrEqual(500);
      } finally {
        await withClient(t.database.url, (client) => client.query('DROP TRIGGER test_refuse_commit ON audit_pending; DROP FUNCTION test_refuse_commit()'));
      }
      expect(await ofUseCase(useCaseId)).toEqual(before);
      await sendAll();
      expect(sink.messages.length).toBe(received);
      // The same decision, committed, does notify.
      const decided = (await signOff(t, world.developer, review.id, 'developer', review.revision).expect(201)).body;
      expect((await byCause(`sign_off:${decided.signOff.id}`)).length).toBeGreaterThan(0);
    });
  });

  describe('sending', () => {
    it('goes out as soon as the change commits, without waiting for the next poll (a minute here)', async () => {
      await sendAll();
      const useCaseId = await givenUseCaseAt(t, world, 'minimal');
      const review = await openReview(t, world, useCaseId, 'design_to_develop', 'minimal');
      const rows = await byCause(`review:${review.id}:opened`);
      expect(rows.length).toBeGreaterThan(0);
      // Nobody runs a round here: the commit did.
      await sink.waitFor(() => rows.every((row) => mailFor(row).length === 1), 10_000);
    });

    it('a refusing server is tried again with backoff until it takes the message, which arrives once', async () => {
      await sendAll(); // what earlier tests left waiting goes first: the refusals below are for this review's emails only
      const deployerEmail = await emailOf(world.deployer.id);
      const developerEmail = await emailOf(world.developer.id);
      let rcptRefusals = 0;
      sink.onRcptTo = (address) => (address === deployerEmail && rcptRefusals++ < 2 ? smtpRefusal(451, 'Mailbox busy, try later') : undefined);
      let dataRefusals = 0;
      sink.onData = (mail) => (mail.to.includes(developerEmail) && dataRefusals++ < 1 ? smtpRefusal(452, 'Insufficient storage, try later') : undefined);

      const startedAt = sink.recipientAttempts.length;
      const useCaseId = await givenUseCaseAt(t, world, 'limited');
      const review = await openReview(t, world, useCaseId, 'design_to_develop', 'limited');
      await sendAll();

      const rows = await byCause(`review:${review.id}:opened`);
      const deployerRow = rows.find((r) => r.recipient_user_id === world.deployer.id)!;
      const developerRow = rows.find((r) => r.recipient_user_id === world.developer.id)!;
      expect(deployerRow).toMatchObject({ email_state: 'sent', email_attempts: 3, last_error: null });
      expect(developerRow).toMatchObject({ email_state: 'sent', email_attempts: 2, last_error: null });
      expect(mailFor(deployerRow)).toHaveLength(1);
      expect(mailFor(developerRow)).toHaveLength(1);
      // Backoff: the second attempt waited at least the base (50 ms), the third at least twice that.
      const tries = sink.recipientAttempts.slice(startedAt).filter((a) => a.address === deployerEmail).map((a) => a.at);
      expect(tries).toHaveLength(3);
      expect(tries[1] - tries[0]).toBeGreaterThanOrEqual(50);
      expect(tries[2] - tries[1]).toBeGreaterThanOrEqual(100);
    });

    it('a permanent refusal (5xx) fails the email at once, and the notification stays listed', async () => {
      const legalEmail = await emailOf(world.legal.id);
      sink.onRcptTo = (address) => (address === legalEmail ? smtpRefusal(550, 'No such mailbox') : undefined);
      const useCaseId = await givenUseCaseAt(t, world, 'limited');
      const review = await openReview(t, world, useCaseId, 'design_to_develop', 'limited');
      await sendAll();
      const [row] = (await byCause(`review:${review.id}:opened`)).filter((r) => r.recipient_user_id === world.legal.id);
      expect(row).toMatchObject({ email_state: 'failed', email_attempts: 1 });
      expect(row.last_error).toContain('550 No such mailbox');
      expect(mailFor(row)).toEqual([]);
      const listed = (await t.http().get('/api/me/notifications').set(bearer(world.legal.token)).expect(200)).body.items.find((n: { id: string }) => n.id === row.id);
      expect(listed.email).toMatchObject({ state: 'failed', attempts: 1, sentAt: null });
    });

    it('after a crash between handing a message over and recording it, the email is not sent again: it is uncertain', async () => {
      const useCaseId = await givenUseCaseAt(t, world, 'minimal');
      await sendAll();
      // This instance would send them as soon as the opening commits: the test's own "worker" claims them first.
      holdSendingOnCommit();
      const review = await openReview(t, world, useCaseId, 'design_to_develop', 'minimal');
      const rows = await byCause(`review:${review.id}:opened`);
      expect(rows.length).toBeGreaterThan(0);
      // A worker claims them (committed as 'sending'), hands them to SMTP… and dies before recording anything.
      const claimed = await t.app.get(NotificationsRepository).claim(100, 60_000);
      expect(claimed.map((c) => c.id).sort()).toEqual(rows.map((r) => r.id).sort());
      await withClient(t.database.url, (client) => client.query(`UPDATE notifications SET lease_until = now() - interval '1 second' WHERE id = ANY($1::uuid[])`, [rows.map((r) => r.id)]));
      const received = sink.messages.length;

      await sendAll();
      expect(sink.messages.length).toBe(received);
      for (const row of await byCause(`review:${review.id}:opened`)) {
        expect(row).toMatchObject({ email_state: 'uncertain', email_attempts: 1 });
        expect(row.last_error).toContain('not sent again');
      }
      const listed = (await t.http().get('/api/me/notifications').set(bearer(world.developer.token)).expect(200)).body.items;
      expect(listed.find((n: { id: string }) => rows.some((r) => r.id === n.id)).email.state).toBe('uncertain');
    });
  });

  describe('when the mail server is away, or drops the connection', () => {
    /** Another instance on this database, sending through `smtpUrl`; its worker runs when the test says. */
    const instanceSendingTo = async (smtpUrl: string) => {
      const app = await createTestApp({ database: t.database, env: { GATEHOUSE_SMTP_URL: smtpUrl, GATEHOUSE_PUBLIC_URL: PUBLIC_URL, GATEHOUSE_NOTIFICATION_POLL_MS: '60000', GATEHOUSE_NOTIFICATION_RETRY_BASE_MS: '50', GATEHOUSE_NOTIFICATION_MAX_ATTEMPTS: '8' } });
      otherApps.push(app);
      return app;
    };

    it('a server that cannot be reached is tried again, and the email is sent once it is back', async () => {
      await sendAll();
      const port = await freePort();
      const instance = await instanceSendingTo(`smtp://127.0.0.1:${port}`);
      holdSendingOnCommit();
      const useCaseId = await givenUseCaseAt(t, world, 'minimal');
      const review = await openReview(t, world, useCaseId, 'design_to_develop', 'minimal');
      await instance.app.get(NotificationMailer).drain();
      const waiting = await byCause(`review:${review.id}:opened`);
      expect(waiting.length).toBeGreaterThan(0);
      for (const row of waiting) {
        expect(row).toMatchObject({ email_state: 'pending', email_attempts: 1 });
        expect(row.last_error).toContain('ECONNREFUSED');
      }
      const back = await startSmtpSink(port);
      otherSinks.push(back);
      await sendAll(instance);
      for (const row of await byCause(`review:${review.id}:opened`)) {
        expect(row).toMatchObject({ email_state: 'sent', last_error: null });
        expect(row.email_attempts).toBeGreaterThanOrEqual(2);
        expect(mailFor(row, back.messages)).toHaveLength(1);
      }
      await instance.app.get(NotificationMailer).onModuleDestroy(); // its worker sends no more; the app stays open till the end
    });

    it('a connection dropped after the message went over leaves it uncertain: it may have arrived, so it is not sent again', async () => {
      await sendAll();
      const dropper = await startDroppingSmtpServer();
      const instance = await instanceSendingTo(dropper.url);
      holdSendingOnCommit();
      try {
        const useCaseId = await givenUseCaseAt(t, world, 'minimal');
        const review = await openReview(t, world, useCaseId, 'design_to_develop', 'minimal');
        const rows = await byCause(`review:${review.id}:opened`);
        await sendAll(instance);
        expect(dropper.received()).toBe(rows.length);
        for (const row of await byCause(`review:${review.id}:opened`)) {
          expect(row).toMatchObject({ email_state: 'uncertain', email_attempts: 1 });
        }
        await instance.app.get(NotificationMailer).drain();
        expect(dropper.received()).toBe(rows.length);
      } finally {
        await instance.app.get(NotificationMailer).onModuleDestroy();
        await dropper.close();
      }
    });
  });

  describe('people', () => {
    it('list their own notifications newest first, page by page, unread ones alone, and mark them read', async () => {
      const person = await givenUser(t, { teams: [{ teamId: world.opsTeam, role: 'deployer' }], name: 'reader' });
      const reviews: string[] = [];
      for (let i = 0; i < 3; i++) {
        const useCaseId = await givenUseCaseAt(t, world, 'minimal');
        const review = await openReview(t, world, useCaseId, 'design_to_develop', 'minimal');
        reviews.push((await signOff(t, world.developer, review.id, 'developer', review.revision).expect(201)).body.signOff.id);
      }
      const page1 = (await t.http().get('/api/me/notifications?limit=2').set(bearer(person.token)).expect(200)).body;
      expect(page1.unreadCount).toBe(3);
      expect(page1.items).toHaveLength(2);
      const page2 = (await t.http().get(`/api/me/notifications?limit=2&cursor=${page1.nextCursor}`).set(bearer(person.token)).expect(200)).body;
      expect(page2.nextCursor).toBeNull();
      const all = [...page1.items, ...page2.items];
      expect(all.map((n: { createdAt: string }) => n.createdAt)).toEqual(all.map((n: { createdAt: string }) => n.createdAt).sort().reverse());
      expect(all.every((n: { kind: string; readAt: string | null }) => n.kind === 'decision_made' && n.readAt === null)).toBe(true);

      const read = (await t.http().post(`/api/me/notifications/${all[0].id}/read`).set(bearer(person.token)).expect(200)).body;
      expect(read.readAt).not.toBeNull();
      const again = (await t.http().post(`/api/me/notifications/${all[0].id}/read`).set(bearer(person.token)).expect(200)).body;
      expect(again.readAt).toBe(read.readAt);
      const unread = (await t.http().get('/api/me/notifications?unread=true').set(bearer(person.token)).expect(200)).body;
      expect(unread.items.map((n: { id: string }) => n.id)).toEqual(all.slice(1).map((n: { id: string }) => n.id));
      expect(unread.unreadCount).toBe(2);

      // Someone else's notification does not exist for you; a bad filter or cursor is a 422 with the field named.
      await t.http().post(`/api/me/notifications/${all[1].id}/read`).set(bearer(world.legal.token)).expect(404);
      const bad = await t.http().get('/api/me/notifications?unread=maybe&cursor=nope').set(bearer(person.token)).expect(422);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['cursor', 'unread']);
    });

    it('mute a kind: still stored and listed, not emailed', async () => {
      const muted = (await t.http().put('/api/me/notification-preferences').set(bearer(world.opener.token)).send({ muted: ['decision_made'] }).expect(200)).body;
      expect(muted.kinds.find((k: { kind: string }) => k.kind === 'decision_made')).toMatchObject({ muted: true, mandatory: false });
      expect((await t.http().get('/api/me/notification-preferences').set(bearer(world.opener.token)).expect(200)).body).toEqual(muted);
      const [event] = await t.dataSource.query(`SELECT payload FROM audit_events WHERE action = 'notification_preferences.changed' AND target_id = $1`, [world.opener.id]);
      expect(event.payload).toMatchObject({ before: { muted: [] }, after: { muted: ['decision_made'] } });
      try {
        const useCaseId = await givenUseCaseAt(t, world, 'minimal');
        const review = await openReview(t, world, useCaseId, 'design_to_develop', 'minimal');
        const decided = (await signOff(t, world.developer, review.id, 'developer', review.revision).expect(201)).body;
        await sendAll();
        const rows = await byCause(`sign_off:${decided.signOff.id}`);
        const openers = rows.find((r) => r.recipient_user_id === world.opener.id)!;
        expect(openers.email_state).toBe('muted');
        expect(mailFor(openers)).toEqual([]);
        const teammate = rows.find((r) => r.recipient_user_id === teamAssessor.id)!;
        expect(teammate.email_state).toBe('sent');
        const listed = (await t.http().get('/api/me/notifications').set(bearer(world.opener.token)).expect(200)).body.items;
        expect(listed.find((n: { id: string }) => n.id === openers.id).email.state).toBe('muted');
      } finally {
        await t.http().put('/api/me/notification-preferences').set(bearer(world.opener.token)).send({ muted: [] }).expect(200);
      }
    });

    it('cannot mute a mandatory kind: the answer says so, and nothing changes', async () => {
      const res = await t.http().put('/api/me/notification-preferences').set(bearer(world.legal.token)).send({ muted: ['obligation_due', 'sign_off_needed'] }).expect(422);
      expect(res.body).toMatchObject({ type: 'urn:gatehouse:problem:notification-kind-mandatory', errors: [{ field: 'muted.1' }] });
      expect(res.body.detail).toBe('sign_off_needed is mandatory (your sign-off is needed) and cannot be muted');
      const prefs = (await t.http().get('/api/me/notification-preferences').set(bearer(world.legal.token)).expect(200)).body;
      expect(prefs.kinds.filter((k: { muted: boolean }) => k.muted)).toEqual([]);
      expect(prefs.kinds.find((k: { kind: string }) => k.kind === 'sign_off_needed')).toMatchObject({ mandatory: true, muted: false });
      const unknown = await t.http().put('/api/me/notification-preferences').set(bearer(world.legal.token)).send({ muted: ['everything'] }).expect(422);
      expect(unknown.body.errors[0].field).toBe('muted');
    });
  });

  describe('due-soon scans', () => {
    it('tell an obligation’s owner before it falls due, once', async () => {
      const useCaseId = await givenUseCaseAt(t, world, 'minimal');
      const title = await titleOf(useCaseId);
      const review = await openReview(t, world, useCaseId, 'design_to_develop', 'minimal');
      const [{ soon, later }] = await t.dataSource.query(`SELECT (current_date + 3)::text AS soon, (current_date + 30)::text AS later`);
      await signOff(t, world.developer, review.id, 'developer', review.revision, 'approve', {
        conditions: [
          { description: 'Re-run the fairness tests on the new data', ownerId: world.deployer.id, dueDate: soon },
          { description: 'Publish the model card', ownerId: world.deployer.id, dueDate: later },
        ],
      }).expect(201);
      // Every instance on this database scans on its own timer too: whoever scans first writes it, and only once.
      const scans = t.app.get(NotificationScans);
      await scans.scan();
      await scans.scan();
      const told = await rowsOf(t, `kind = 'obligation_due' AND use_case_id = $1`, [useCaseId]);
      expect(told).toHaveLength(1);
      const [row] = told;
      expect(row).toMatchObject({ recipient_user_id: world.deployer.id, mandatory: false, link: `${PUBLIC_URL}/use-cases/${useCaseId}/obligations` });
      expect(row.subject).toBe(`[Gatehouse] Obligation due ${soon}: ${title}`);
      expect(row.body).toContain('What is asked: Re-run the fairness tests on the new data.');
      expect(row.body).toContain('Gate: design to develop');
    });

    it('tell the teams and the compliance officers when a periodic review is due, once per due date', async () => {
      const officer = await givenUser(t, { roles: ['compliance_officer'], name: 'officer' });
      const useCaseId = await givenUseCaseAt(t, world, 'minimal');
      // Set-up only: an operating use case whose periodic review was due two days ago.
      await withClient(t.database.url, (client) => client.query(`UPDATE use_cases SET stage = 'operate', next_review_due = current_date - 2 WHERE id = $1`, [useCaseId]));
      const overdue = (await t.http().get('/api/reviews/overdue').set(bearer(officer.token)).expect(200)).body;
      expect(overdue.map((o: { useCaseId: string }) => o.useCaseId)).toContain(useCaseId);

      const scans = t.app.get(NotificationScans);
      await scans.scan();
      await scans.scan();
      const rows = await rowsOf(t, `kind = 're_review_due' AND use_case_id = $1`, [useCaseId]);
      const expected = sorted([...(await teamPeople(world.devTeam, world.opsTeam)), ...(await holders('compliance_officer'))]);
      expect(sorted(rows.map((r) => r.recipient_user_id))).toEqual(expected);
      expect(expected).toContain(officer.id);
      expect(rows[0].body).toContain('is overdue');
      expect(rows[0].link).toBe(`${PUBLIC_URL}/use-cases/${useCaseId}/reviews`);
    });
  });

  describe('without SMTP', () => {
    it('notifications are stored with email off and listed in the app; the start says once that email is off', async () => {
      const logged = jest.spyOn(Logger.prototype, 'log');
      const quiet = await createTestApp({ database: t.database, env: { GATEHOUSE_PUBLIC_URL: PUBLIC_URL } });
      otherApps.push(quiet);
      const said = logged.mock.calls.filter(([message]) => typeof message === 'string' && message.startsWith('email is off'));
      logged.mockRestore();
      expect(said).toEqual([['email is off (GATEHOUSE_SMTP_URL is not set): notifications are stored and listed at GET /api/me/notifications, not emailed']]);
      const useCaseId = await givenUseCaseAt(quiet, world, 'minimal');
      const opened = await openReview(quiet, world, useCaseId, 'design_to_develop', 'minimal');
      const rows = await byCause(`review:${opened.id}:opened`, quiet);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.email_state === 'off')).toBe(true);
      const listed = (await quiet.http().get('/api/me/notifications').set(bearer(world.developer.token)).expect(200)).body.items;
      expect(listed.find((n: { id: string }) => rows.some((r) => r.id === n.id))).toMatchObject({ kind: 'sign_off_needed', mandatory: true, email: { state: 'off', attempts: 0 } });
      // A worker with SMTP leaves them alone: they were never meant to be emailed.
      await sendAll();
      expect(rows.flatMap((row) => mailFor(row))).toEqual([]);
      expect((await byCause(`review:${opened.id}:opened`)).every((r) => r.email_state === 'off')).toBe(true);
    });
  });

  it('two instances on one database send each notification exactly once', async () => {
    const sink2 = await startSmtpSink();
    otherSinks.push(sink2);
    const database = await createTestDatabase();
    otherDatabases.push(database);
    const env = { GATEHOUSE_SMTP_URL: sink2.url, GATEHOUSE_PUBLIC_URL: PUBLIC_URL, GATEHOUSE_NOTIFICATION_POLL_MS: '10' };
    const one = await createTestApp({ database, env });
    const two = await createTestApp({ database, env });
    otherApps.push(two, one);
    const people = await givenReviewWorld(one);
    const opened: string[] = [];
    for (let i = 0; i < 6; i++) {
      const app = i % 2 ? two : one;
      const useCaseId = await givenUseCaseAt(app, people, 'limited');
      opened.push((await openReview(app, people, useCaseId, 'design_to_develop', 'limited')).id);
    }
    const rows = await rowsOf(one, 'true', []);
    expect(rows.length).toBe(6 * 4); // developer, deployer and both legal people, for each review
    await sink2.waitFor((messages) => messages.length >= rows.length);
    await sleep(100); // a duplicate would arrive now
    expect(sink2.messages.map((m) => m.messageId).sort()).toEqual(rows.map((r) => messageIdOf(r)).sort());
    const states = await rowsOf(one, 'true', []);
    expect(states.every((r) => r.email_state === 'sent' && r.email_attempts === 1)).toBe(true);
  });
});

