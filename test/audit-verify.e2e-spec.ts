import { AuditChainDamagedError, AuditSealer } from '@app/audit';
import { bearer, createTestApp, givenUser, TestApp } from './support';
import {
  countEvents,
  countRows,
  createWidgetAudited,
  createWidgetPending,
  createWidgetTable,
  forgeEventBeyondHead,
  headSeq,
  sealCommitted,
  sealedEvent,
  tamperAsSuperuser,
  verifyChain,
} from './support/audit-helpers';

/**
 * GET /api/audit/verify records its own check in the chain it checks. These
 * tests break the chain the ways a superuser could, and check that the
 * verification reports the break, the same break every time, and never adds
 * an event that would move or hide it.
 */
describe('GET /api/audit/verify on a tampered chain', () => {
  let t: TestApp;
  let auth: Record<string, string>;

  beforeEach(async () => {
    t = await createTestApp();
    auth = bearer((await givenUser(t, { roles: ['compliance_officer'], name: 'officer' })).token);
    await createWidgetTable(t);
    for (let i = 1; i <= 8; i++) await createWidgetAudited(t, `w${i}`);
  });
  afterEach(() => t.close());

  const verify = (query = '') => t.http().get(`/api/audit/verify${query}`).set(auth);

  it('an event beyond the recorded head: a head_mismatch at that event, not a 500', async () => {
    const forged = await forgeEventBeyondHead(t);
    const res = await verify();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      intact: false,
      intactUpToSeq: forged.seq - 1,
      firstBreak: { seq: forged.seq, eventId: forged.id, reason: 'head_mismatch' },
      recording: { recorded: false, reason: expect.stringMatching(/broken/) },
    });
    expect(res.body.summary).toMatch(new RegExp(`^broken at seq ${forged.seq} `));
  });

  it('an event beyond the recorded head: once a seal round finds it, audited writes are refused (503 audit-chain-damaged) and their changes with them; nothing written before is lost', async () => {
    const admin = bearer((await givenUser(t, { roles: ['admin'], name: 'admin' })).token);
    // The new user's event sealed first: a background round must not take the place the forgery is put in.
    await sealCommitted(t);
    const forged = await forgeEventBeyondHead(t);
    // Written before any round looked: committed, its event kept pending rather than lost.
    const before = await createWidgetPending(t, 'before the round');
    const sealer = t.app.get(AuditSealer);
    expect(await sealer.sealCommitted(1_000)).toBe(false);
    expect(sealer.chainDamaged).toBe(true);

    const widgets = await countRows(t, 'widgets');
    await expect(createWidgetAudited(t, 'after the forgery')).rejects.toThrow(AuditChainDamagedError);
    await expect(createWidgetAudited(t, 'after the forgery')).rejects.toThrow(/after its recorded head.*GET \/api\/audit\/verify/);
    const refused = await t.http().post('/api/teams').set(admin).send({ name: 'after the forgery' });
    expect(refused.status).toBe(503);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    expect(refused.body).toMatchObject({ type: 'urn:gatehouse:problem:audit-chain-damaged', status: 503 });
    expect(await countRows(t, 'widgets')).toBe(widgets);
    expect(await t.dataSource.query(`SELECT 1 FROM teams WHERE name = 'after the forgery'`)).toEqual([]);

    // Once an administrator has dealt with the stray event, the next round seals what waited, and writes are taken again.
    await tamperAsSuperuser(t, 'DELETE FROM audit_events WHERE id = $1', [forged.id]);
    expect(await sealer.sealCommitted()).toBe(true);
    expect(sealer.chainDamaged).toBe(false);
    // The event written before the round is in the chain now, where the stray one was or after it.
    expect((await sealedEvent(t, before)).seq).toBeGreaterThanOrEqual(forged.seq);
    await createWidgetAudited(t, 'after the repair');
    expect(await verifyChain(t)).toMatchObject({ intact: true });
  });

  it('an event beyond the recorded head: another instance on the same database refuses writes as well, once its own round has met it', async () => {
    const other = await createTestApp({ database: t.database });
    try {
      await sealCommitted(t);
      await forgeEventBeyondHead(t);
      // The event whose seal meets the damage stays pending: every instance's rounds keep meeting it.
      await createWidgetPending(t, 'before the round');
      expect(await t.app.get(AuditSealer).sealCommitted(1_000)).toBe(false);
      const otherSealer = other.app.get(AuditSealer);
      expect(await otherSealer.sealCommitted(1_000)).toBe(false);
      expect(otherSealer.chainDamaged).toBe(true);
      await expect(createWidgetAudited(other, 'through the other instance')).rejects.toThrow(AuditChainDamagedError);
    } finally {
      await other.close();
    }
  });

  const tamperings: [string, (t: TestApp, head: number) => Promise<unknown>][] = [
    ['an edited event', (t) => tamperAsSuperuser(t, `UPDATE audit_events SET reason = 'rewritten' WHERE seq = 5`)],
    ['a deleted event', (t) => tamperAsSuperuser(t, 'DELETE FROM audit_events WHERE seq = 4')],
    ['events cut from the end', (t, head) => tamperAsSuperuser(t, 'DELETE FROM audit_events WHERE seq >= $1', [head - 1])],
    ['an event beyond the head', (t) => forgeEventBeyondHead(t)],
  ];

  it.each(tamperings)('%s: the same first break on every check, and no check appended', async (_name, tamper) => {
    await tamper(t, await headSeq(t));
    const events = await countRows(t, 'audit_events');
    const checks = [await verify(), await verify(), await verify()];
    for (const check of checks) {
      expect(check.status).toBe(200);
      expect(check.body).toMatchObject({ intact: false, recording: { recorded: false } });
    }
    expect(checks[1].body.firstBreak).toEqual(checks[0].body.firstBreak);
    expect(checks[2].body.firstBreak).toEqual(checks[0].body.firstBreak);
    expect(checks[2].body.summary).toBe(checks[0].body.summary);
    expect(await countRows(t, 'audit_events')).toBe(events);
  });

  it('an intact range of a chain cut at its end is reported but not recorded, so the cut stays as found', async () => {
    const head = await headSeq(t);
    await tamperAsSuperuser(t, 'DELETE FROM audit_events WHERE seq = $1', [head]);
    const before = await verify();
    const range = await verify('?fromSeq=1&toSeq=3');
    expect(range.body).toMatchObject({ intact: true, toSeq: 3, recording: { recorded: false, reason: expect.stringMatching(/head/) } });
    const after = await verify();
    expect(after.body.firstBreak).toEqual(before.body.firstBreak);
    expect(before.body.firstBreak).toMatchObject({ seq: head, reason: 'head_mismatch' });
  });
});

describe('GET /api/audit/verify on an intact chain', () => {
  let t: TestApp;
  let auth: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    auth = bearer((await givenUser(t, { roles: ['compliance_officer'], name: 'officer' })).token);
    await createWidgetTable(t);
    for (let i = 1; i <= 5; i++) await createWidgetAudited(t, `w${i}`);
  });
  afterAll(() => t.close());

  it('records audit.verified right after the head it checked', async () => {
    const head = await headSeq(t);
    const res = await t.http().get('/api/audit/verify').set(auth).expect(200);
    expect(res.body).toMatchObject({ intact: true, toSeq: head, recording: { recorded: true, seq: head + 1 } });
    const [event] = await t.dataSource.query(`SELECT action, payload, prev_hash FROM audit_events WHERE seq = $1`, [head + 1]);
    expect(event).toMatchObject({ action: 'audit.verified', prev_hash: res.body.headHash, payload: { intact: true, toSeq: head, headHash: res.body.headHash } });
  });

  it.each([
    ['fromSeq beyond the head', () => `fromSeq=${head + 1}`, ['fromSeq']],
    ['toSeq beyond the head', () => `toSeq=${head + 1}`, ['toSeq']],
    ['fromSeq after toSeq', () => 'fromSeq=3&toSeq=2', ['fromSeq']],
    ['fromSeq=1e20', () => 'fromSeq=1e20', ['fromSeq']],
    ['toSeq=2^63', () => 'toSeq=9223372036854775808', ['toSeq']],
    ['fromSeq past the largest safe integer', () => 'fromSeq=9007199254740993', ['fromSeq']],
  ])('answers %s with a 422 naming the field, and records nothing', async (_name, query, fields) => {
    head = await headSeq(t);
    const events = await countRows(t, 'audit_events');
    const verified = await countEvents(t, 'audit.verified');
    const res = await t.http().get(`/api/audit/verify?${query()}`).set(auth);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
    expect(await countRows(t, 'audit_events')).toBe(events);
    expect(await countEvents(t, 'audit.verified')).toBe(verified);
  });
  let head = 0;
});
