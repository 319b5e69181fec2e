import { AuditEventShape, AuditOutsideTransactionError, AuditReader, AuditSealer, AuditTrail, computeEventHash, eventFromRow, AUDIT_EVENT_COLUMNS, UnstorableAuditValueError } from '@app/audit';
import { createTestApp, TestApp, withClient } from './support';
import { anyEvent, countRows, createWidgetAudited, createWidgetTable, headSeq, sealedEvent, tamperAsSuperuser, TEST_ACTOR, verifyChain } from './support/audit-helpers';

describe('audit trail: writing', () => {
  let t: TestApp;
  let base: number;

  beforeEach(async () => {
    t = await createTestApp({ env: { DATABASE_POOL_SIZE: '20' } });
    await createWidgetTable(t);
    base = await headSeq(t);
  });
  afterEach(() => t.close());

  it('commits a change and its event together', async () => {
    const event = await createWidgetAudited(t, 'first');
    expect(await countRows(t, 'widgets')).toBe(1);
    expect(await countRows(t, 'audit_events')).toBe(base + 1);
    expect(event).toMatchObject({ seq: base + 1, action: 'use_case.created', payload: { after: { name: 'first' } } });
    expect(await verifyChain(t)).toMatchObject({ intact: true, toSeq: base + 1, headHash: event.hash });
  });

  it('leaves no event when the transaction of the change fails', async () => {
    await createWidgetAudited(t, 'kept');
    await expect(createWidgetAudited(t, 'lost', { failAfterRecord: true })).rejects.toThrow('failed after its event');
    expect(await countRows(t, 'widgets')).toBe(1);
    expect(await countRows(t, 'audit_events')).toBe(base + 1);
    // The rolled-back seq is reused: no gap.
    expect((await createWidgetAudited(t, 'next')).seq).toBe(base + 2);
    expect(await verifyChain(t)).toMatchObject({ intact: true, toSeq: base + 2 });
  });

  it('leaves no event when the change itself is refused by the database', async () => {
    await createWidgetAudited(t, 'unique');
    await expect(createWidgetAudited(t, 'unique')).rejects.toThrow();
    expect(await countRows(t, 'audit_events')).toBe(base + 1);
  });

  it('refuses to record outside a transaction, so an event cannot exist without its change', async () => {
    await expect(
      t.app.get(AuditTrail).record(t.dataSource.manager, anyEvent({ action: 'use_case.created', target: { type: 'widget', id: '1' }, actor: TEST_ACTOR })),
    ).rejects.toThrow(AuditOutsideTransactionError);
    expect(await countRows(t, 'audit_events')).toBe(base);
  });

  it('refuses an event without an actor, and an action outside the catalogue', async () => {
    const trail = t.app.get(AuditTrail);
    await expect(t.dataSource.transaction((m) => trail.record(m, anyEvent({ action: 'use_case.created', target: { type: 'w', id: '1' } })))).rejects.toThrow(/actor/);
    await expect(
      t.dataSource.transaction((m) => trail.record(m, anyEvent({ action: 'widget.exploded' as never, target: { type: 'w', id: '1' }, actor: TEST_ACTOR }))),
    ).rejects.toThrow(/catalogue/);
    expect(await countRows(t, 'audit_events')).toBe(base);
  });

  it('keeps one gap-free chain under 200 concurrent writers', async () => {
    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => createWidgetAudited(t, `w${i}`, { failAfterRecord: i % 10 === 0 })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(180);
    const seqs: { seq: string }[] = await t.dataSource.query('SELECT seq FROM audit_events ORDER BY seq');
    expect(seqs.map((row) => Number(row.seq))).toEqual(Array.from({ length: base + 180 }, (_, i) => i + 1));
    expect(await countRows(t, 'widgets')).toBe(180);
    expect(await verifyChain(t)).toMatchObject({ intact: true, toSeq: base + 180, eventsChecked: base + 180 });
  });

  it('seals in transaction order only below the oldest transaction still open: a late commit takes the place it was given, never one already sealed', async () => {
    const sealer = t.app.get(AuditSealer);
    const trail = t.app.get(AuditTrail);
    const early = t.dataSource.createQueryRunner();
    await early.connect();
    await early.startTransaction();
    try {
      // The early transaction writes first (a smaller transaction id), then stays open.
      const earlyEvent = await trail.record(early.manager, anyEvent({ action: 'use_case.created', target: { type: 'widget', id: 'early' }, actor: TEST_ACTOR }));
      const [late] = await Promise.all([t.dataSource.transaction((m) => trail.record(m, anyEvent({ action: 'use_case.created', target: { type: 'widget', id: 'late' }, actor: TEST_ACTOR })))]);
      // Committed, but behind an open transaction: it waits, pending, and nothing is sealed past the early one.
      expect(await sealer.sealThrough(late.xid, 300)).toBe(false);
      expect(await countRows(t, 'audit_events')).toBe(base);
      const [{ pending }] = await t.dataSource.query('SELECT count(*)::int AS pending FROM audit_pending');
      expect(pending).toBe(1);
      await early.commitTransaction();
      const [sealedEarly, sealedLate] = await t.app.get(AuditReader).sealed([earlyEvent, late]);
      expect([sealedEarly.seq, sealedLate.seq]).toEqual([base + 1, base + 2]);
      expect(await verifyChain(t)).toMatchObject({ intact: true, toSeq: base + 2 });
    } finally {
      if (early.isTransactionActive) await early.rollbackTransaction();
      await early.release();
    }
  });

  it('leaves no trace of an open transaction that rolls back, and no gap', async () => {
    const trail = t.app.get(AuditTrail);
    const runner = t.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await trail.record(runner.manager, anyEvent({ action: 'use_case.created', target: { type: 'widget', id: 'abandoned' }, actor: TEST_ACTOR }));
    const kept = createWidgetAudited(t, 'kept');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await runner.rollbackTransaction();
    await runner.release();
    expect((await kept).seq).toBe(base + 1);
    const [{ pending }] = await t.dataSource.query('SELECT count(*)::int AS pending FROM audit_pending');
    expect(pending).toBe(0);
    expect(await verifyChain(t)).toMatchObject({ intact: true, toSeq: base + 1 });
  });

  it('keeps one chain when two app instances write to the same database', async () => {
    const other = await createTestApp({ database: t.database, env: { DATABASE_POOL_SIZE: '20' } });
    try {
      await Promise.all(
        Array.from({ length: 100 }, (_, i) => createWidgetAudited(i % 2 ? t : other, `w${i}`)),
      );
      expect(await verifyChain(t)).toMatchObject({ intact: true, toSeq: base + 100 });
      expect(await verifyChain(other)).toMatchObject({ intact: true, toSeq: base + 100 });
    } finally {
      await other.app.close();
    }
  });
});

describe('audit trail: the writer refuses what the database cannot give back identically', () => {
  let t: TestApp;
  let base: number;

  beforeAll(async () => {
    t = await createTestApp();
    base = await headSeq(t);
  });
  afterAll(() => t.close());

  const record = async (input: Partial<AuditEventShape>) =>
    sealedEvent(
      t,
      await t.dataSource.transaction((manager) =>
        t.app.get(AuditTrail).record(manager, anyEvent({ action: 'use_case.updated', target: { type: 'widget', id: '1' }, actor: TEST_ACTOR, ...input })),
      ),
    );

  // PostgreSQL refuses U+0000 in text and jsonb, and stores an unpaired surrogate as U+FFFD: either way not what was hashed.
  it.each<[string, Partial<AuditEventShape>, RegExp]>([
    ['U+0000 in a payload value', { after: { name: 'a\u0000b' } }, /payload\.after\.name .*U\+0000/],
    ['U+0000 in a payload member name', { data: { 'a\u0000': 1 } }, /payload\.a\\u0000 .*U\+0000/],
    ['a lone high surrogate in a payload value', { after: { list: ['ok', '\ud800'] } }, /payload\.after\.list\.1 .*surrogate/],
    ['a lone low surrogate in a member name', { before: { '\udc00x': true } }, /payload\.before\.\\udc00x .*surrogate/],
    ['a lone surrogate in the reason', { reason: 'fine until \ud83d' }, /reason .*surrogate/],
    ['U+0000 in the target id', { target: { type: 'widget', id: '1\u0000' } }, /target\.id .*U\+0000/],
    ['a lone surrogate in the actor name', { actor: { ...TEST_ACTOR, displayName: '\udfff' } }, /actor\.displayName .*surrogate/],
    ['NaN', { data: { score: Number.NaN } }, /NaN/],
    ['Infinity', { after: { limit: Number.POSITIVE_INFINITY } }, /Infinity/],
    ['a number of 1e21 or more', { data: { big: -1e21 } }, /-1e\+21/],
  ])('refuses %s, and records nothing', async (_name, input, message) => {
    const attempt = record(input);
    await expect(attempt).rejects.toThrow(UnstorableAuditValueError);
    await expect(attempt).rejects.toThrow(message);
    expect(await countRows(t, 'audit_events')).toBe(base);
  });

  it('keeps data members named before and after, instead of dropping them when before/after are not given', async () => {
    const event = await record({ data: { before: 'b', after: 'a', other: 1 } });
    expect(event.payload).toEqual({ before: 'b', after: 'a', other: 1 });
    await expect(record({ data: { after: 'a' }, after: { name: 'x' } })).rejects.toThrow(/after/);
    expect(await verifyChain(t)).toMatchObject({ intact: true });
    base = await headSeq(t);
  });

  it('accepts every well-formed string, astral characters and control characters included', async () => {
    const text = 'emoji \u{1F600}, combining e\u0301, controls \u0001\u001f\u007f\u2028, non-characters \uFFFE\u{10FFFF}';
    const event = await record({ reason: text, after: { [text]: text } });
    expect(event.reason).toBe(text);
    expect(await verifyChain(t)).toMatchObject({ intact: true, toSeq: event.seq });
    base = await headSeq(t);
  });
});

describe('audit trail: the database refuses tampering', () => {
  let t: TestApp;

  let eventCount: number;

  beforeAll(async () => {
    t = await createTestApp();
    await createWidgetTable(t);
    for (let i = 1; i <= 8; i++) await createWidgetAudited(t, `w${i}`);
    eventCount = await headSeq(t);
  });
  afterAll(() => t.close());

  const changes = [
    ['UPDATE', "UPDATE audit_events SET reason = 'rewritten' WHERE seq = 3"],
    ['DELETE', 'DELETE FROM audit_events WHERE seq = 3'],
    ['TRUNCATE', 'TRUNCATE audit_events'],
  ];

  it.each(changes)('refuses %s on the service connection, which lacks the privilege', async (_operation, sql) => {
    await expect(t.dataSource.query(sql)).rejects.toThrow(/permission denied for table audit_events/);
    expect(await countRows(t, 'audit_events')).toBe(eventCount);
  });

  it.each(changes)('refuses %s by trigger to the owning role, while its triggers are enabled', async (operation, sql) => {
    await expect(withClient(t.database.url, (owner) => owner.query(sql))).rejects.toThrow(new RegExp(`append-only: ${operation} is not allowed`));
    expect(await countRows(t, 'audit_events')).toBe(eventCount);
  });

  it('grants nobody UPDATE, DELETE or TRUNCATE on events, the owner included; the service itself only reads them', async () => {
    const visible = async (query: (sql: string) => Promise<{ privilege_type: string }[]>) =>
      (await query(`SELECT privilege_type FROM information_schema.role_table_grants WHERE table_name = 'audit_events' AND grantee = current_user`)).map((row) => row.privilege_type).sort();
    // The service's role reads the chain; events reach it only through seal_audit_events(), which runs as the owner.
    expect(await visible((sql) => t.dataSource.query(sql))).toEqual(['SELECT']);
    const owner = await withClient(t.database.url, async (client) => visible(async (sql) => (await client.query(sql)).rows));
    expect(owner).toEqual(expect.arrayContaining(['INSERT', 'SELECT']));
    expect(owner.filter((p) => ['UPDATE', 'DELETE', 'TRUNCATE'].includes(p))).toEqual([]);
  });
});

describe('audit trail: verification names the first tampered event', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await createTestApp();
    await createWidgetTable(t);
    for (let i = 1; i <= 8; i++) await createWidgetAudited(t, `w${i}`);
  });
  afterEach(() => t.close());

  it('an edited payload: hash mismatch at that event', async () => {
    await tamperAsSuperuser(t, `UPDATE audit_events SET payload = '{"after":{"name":"forged"}}' WHERE seq = 5`);
    const [row] = await t.dataSource.query(`SELECT id FROM audit_events WHERE seq = 5`);
    expect(await verifyChain(t)).toMatchObject({ intact: false, intactUpToSeq: 4, firstBreak: { seq: 5, reason: 'hash_mismatch', eventId: row.id } });
  });

  it('an edit with a recomputed hash: the next event no longer links to it', async () => {
    const [row] = await t.dataSource.query(`SELECT ${AUDIT_EVENT_COLUMNS} FROM audit_events WHERE seq = 5`);
    const forged = { ...eventFromRow(row), reason: 'rewritten history' };
    await tamperAsSuperuser(t, 'UPDATE audit_events SET reason = $1, hash = $2 WHERE seq = 5', [forged.reason, computeEventHash(forged)]);
    expect(await verifyChain(t)).toMatchObject({ intact: false, firstBreak: { seq: 6, reason: 'prev_hash_mismatch' } });
  });

  it('a deleted event: sequence gap at the one after it', async () => {
    await tamperAsSuperuser(t, 'DELETE FROM audit_events WHERE seq = 4');
    expect(await verifyChain(t)).toMatchObject({ intact: false, intactUpToSeq: 3, firstBreak: { seq: 5, reason: 'sequence_gap' } });
  });

  it('events cut from the end: head mismatch', async () => {
    const head = await headSeq(t);
    await tamperAsSuperuser(t, 'DELETE FROM audit_events WHERE seq >= 7');
    expect(await verifyChain(t)).toMatchObject({ intact: false, intactUpToSeq: 6, firstBreak: { seq: head, reason: 'head_mismatch' } });
  });
});
