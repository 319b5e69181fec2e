import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { escapeIdentifier } from 'pg';
import { adminUser, bearer, createTestApp, givenUser, TestApp, withClient } from './support';
import { createWidgetAudited, createWidgetTable, tamperAsSuperuser } from './support/audit-helpers';
import { runCommand } from './support/run-command';

const PYTHON_VERIFIER = path.join(__dirname, 'support', 'verify_audit_export.py');
let auth: Record<string, string>;

/**
 * Streamed exports have media types supertest does not buffer by itself. The
 * bytes are decoded once, at the end: a chunk may end inside a UTF-8 character.
 */
function asText(res: import('supertest').Response, done: (error: Error | null, body: string) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
}

/** Runs the independent verifier (written from docs/audit-chain.md alone) on an export. */
function verifyIndependently(file: string, ...flags: string[]) {
  return runCommand('python3', [PYTHON_VERIFIER, ...flags, file]);
}

describe('audit API', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    t = await createTestApp();
    auth = bearer((await givenUser(t, { roles: ['compliance_officer'], name: 'officer' })).token);
    dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-export-'));
    await createWidgetTable(t);
    for (let i = 1; i <= 25; i++) await createWidgetAudited(t, `widget "${i}", with, commas\nand lines ✓`);
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('access', () => {
    it.each(['/api/audit/events', '/api/audit/export', '/api/audit/verify'])('refuses %s to an anonymous caller', async (route) => {
      const res = await t.http().get(route);
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    });

    it('refuses a user without audit:read, and admits an admin', async () => {
      const legal = await givenUser(t, { roles: ['legal'] });
      const res = await t.http().get('/api/audit/events').set(bearer(legal.token));
      expect(res.status).toBe(403);
      expect(res.body.detail).toMatch(/audit:read requires one of: admin, compliance_officer/);
      await t.http().get('/api/audit/events').set(bearer((await adminUser(t)).token)).expect(200);
    });
  });

  describe('GET /api/audit/events', () => {
    it('pages through the trail in seq order with a cursor', async () => {
      const first = await t.http().get('/api/audit/events?limit=10&targetType=widget').set(auth).expect(200);
      const targetIds = (page: { body: { items: { target: { id: string } }[] } }) => page.body.items.map((e) => Number(e.target.id));
      expect(targetIds(first)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const second = await t.http().get(`/api/audit/events?limit=10&targetType=widget&cursor=${first.body.nextCursor}`).set(auth).expect(200);
      expect(targetIds(second)[0]).toBe(11);
      expect(second.body.items[0].seq).toBeGreaterThan(first.body.items[9].seq);
      const last = await t.http().get(`/api/audit/events?limit=10&targetType=widget&cursor=${second.body.nextCursor}`).set(auth).expect(200);
      expect(last.body.items).toHaveLength(5);
      expect(last.body.nextCursor).toBeNull();
    });

    it('filters by action, actor and target', async () => {
      const res = await t.http().get('/api/audit/events?action=use_case.created&actorId=test-runner&targetId=3').set(auth).expect(200);
      expect(res.body.items).toHaveLength(1);
      expect(res.body.items[0]).toMatchObject({ target: { type: 'widget', id: '3' }, actor: { id: 'test-runner' } });
    });

    it('filters by time range', async () => {
      const all = await t.http().get('/api/audit/events?targetType=widget&limit=100').set(auth).expect(200);
      const cut = all.body.items[10].occurredAt;
      const res = await t.http().get(`/api/audit/events?targetType=widget&limit=100&to=${encodeURIComponent(cut)}`).set(auth).expect(200);
      expect(res.body.items.every((e: { occurredAt: string }) => e.occurredAt < cut)).toBe(true);
      expect(res.body.items.length).toBeGreaterThan(0);
      expect(res.body.items.length).toBeLessThan(25);
    });

    it('reads one event, and its neighbours, by a seq range', async () => {
      const widgets = await t.http().get('/api/audit/events?targetType=widget&limit=100').set(auth).expect(200);
      const middle = widgets.body.items[12];
      const one = await t.http().get(`/api/audit/events?fromSeq=${middle.seq}&toSeq=${middle.seq}`).set(auth).expect(200);
      expect(one.body.items).toEqual([middle]);
      const around = await t.http().get(`/api/audit/events?fromSeq=${middle.seq - 1}&toSeq=${middle.seq + 1}`).set(auth).expect(200);
      expect(around.body.items.map((e: { seq: number }) => e.seq)).toEqual([middle.seq - 1, middle.seq, middle.seq + 1]);
      expect(around.body.items[1].prevHash).toBe(around.body.items[0].hash);
      const none = await t.http().get(`/api/audit/events?fromSeq=${middle.seq + 1}&toSeq=${middle.seq}`).set(auth).expect(200);
      expect(none.body).toEqual({ items: [], nextCursor: null });
      const exported = await t.http().get(`/api/audit/export?format=ndjson&fromSeq=${middle.seq}&toSeq=${middle.seq + 2}`).set(auth).buffer(true).parse(asText).expect(200);
      expect((exported.body as string).trim().split('\n').map((line) => JSON.parse(line).seq)).toEqual([middle.seq, middle.seq + 1, middle.seq + 2]);
    });

    it('records each read in the trail, with the request context', async () => {
      await t.http().get('/api/audit/events?limit=1').set(auth).set('X-Request-Id', 'read-check-1').set('User-Agent', 'auditor-tool/1.0').expect(200);
      const res = await t.http().get('/api/audit/events?action=audit.read&limit=1000').set(auth).expect(200);
      const read = res.body.items.find((e: { context: { requestId: string } }) => e.context.requestId === 'read-check-1');
      expect(read).toMatchObject({
        action: 'audit.read',
        actor: { kind: 'user', displayName: expect.stringMatching(/^officer /), roles: ['compliance_officer'] },
        context: { userAgent: 'auditor-tool/1.0', sourceIp: expect.stringMatching(/127\.0\.0\.1/) },
        payload: { returned: 1 },
      });
    });

    it.each([
      ['an unknown parameter', 'bogus=1', 'bogus'],
      ['an invalid cursor', 'cursor=not-a-cursor', 'cursor'],
      ['an action outside the catalogue', 'action=widget.exploded', 'action'],
      ['a malformed date', 'from=yesterday', 'from'],
      ['a limit out of range', 'limit=5000', 'limit'],
      ['a malformed use case id', 'useCaseId=42', 'useCaseId'],
      ['a seq below 1', 'fromSeq=0', 'fromSeq'],
      ['a seq that is not a whole number', 'toSeq=1.5', 'toSeq'],
      ['a date before year 1', 'from=-000001-01-01T00:00:00Z', 'from'],
      ['a date after year 9999', `to=${encodeURIComponent('+275760-09-13T00:00:00Z')}`, 'to'],
    ])('answers %s with a field-level 422', async (_name, query, field) => {
      for (const route of ['events', 'export']) {
        const res = await t.http().get(`/api/audit/${route}?${query}`).set(auth);
        expect(res.status).toBe(422);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
    });
  });

  describe('GET /api/audit/export', () => {
    it('streams NDJSON that an independent verifier, written from the spec alone, re-verifies', async () => {
      const res = await t.http().get('/api/audit/export?format=ndjson').set(auth).buffer(true).parse(asText);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/application\/x-ndjson/);
      expect(res.headers['content-disposition']).toMatch(/attachment; filename="gatehouse-audit-.*\.ndjson"/);
      const lines = (res.body as string).trim().split('\n');
      const events = lines.map((line) => JSON.parse(line));
      expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1));
      // The export records itself, inside the snapshot it exports, and ends at the head it announces.
      const last = events[events.length - 1];
      expect(last).toMatchObject({ action: 'audit.exported', payload: { format: 'ndjson' } });
      expect(res.headers['x-audit-chain-head']).toBe(`seq=${last.seq}; hash=${last.hash}`);

      const file = path.join(dir, 'full.ndjson');
      await writeFile(file, res.body as string);
      const verdict = await verifyIndependently(file);
      expect(verdict).toEqual({ code: 0, output: `intact up to seq ${events.length}, head hash ${events[events.length - 1].hash}` });
    });

    it('streams CSV that standard tools parse and the independent verifier re-verifies', async () => {
      const res = await t.http().get('/api/audit/export?format=csv').set(auth).buffer(true).parse(asText);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/csv/);
      const file = path.join(dir, 'full.csv');
      await writeFile(file, res.body as string);
      const parsed = await runCommand('python3', ['-c', 'import csv,sys,json; rows=list(csv.DictReader(open(sys.argv[1], newline=""))); w=[r for r in rows if r["target_type"]=="widget"]; print(json.dumps([len(w), w[0]["actor_display_name"], json.loads(w[0]["payload"])["after"]["name"]]))', file]);
      expect(parsed.code).toBe(0);
      const [rowCount, actorName, widgetName] = JSON.parse(parsed.output);
      expect(rowCount).toBe(25);
      expect(actorName).toBe('Test runner');
      expect(widgetName).toBe('widget "1", with, commas\nand lines ✓');
      expect(await verifyIndependently(file)).toMatchObject({ code: 0, output: expect.stringMatching(/^intact up to seq \d+/) });
    });

    it('holds its own audit.exported event and ends at the head it announces, while others write', async () => {
      const writers = Promise.all(Array.from({ length: 40 }, (_, i) => createWidgetAudited(t, `concurrent ${i}`)));
      const res = await t.http().get('/api/audit/export').set(auth).set('X-Request-Id', 'export-under-load').buffer(true).parse(asText).expect(200);
      await writers;
      const events = (res.body as string).trimEnd().split('\n').map((line) => JSON.parse(line));
      const own = events.filter((e) => e.action === 'audit.exported' && e.context.requestId === 'export-under-load');
      expect(own).toHaveLength(1);
      const last = events[events.length - 1];
      expect(res.headers['x-audit-chain-head']).toBe(`seq=${last.seq}; hash=${last.hash}`);
      const file = path.join(dir, 'under-load.ndjson');
      await writeFile(file, res.body as string);
      expect(await verifyIndependently(file, '--known-head', res.headers['x-audit-chain-head'])).toMatchObject({ code: 0 });
    });

    it('applies the same filters as the listing', async () => {
      const res = await t.http().get('/api/audit/export?format=ndjson&targetType=widget&targetId=7').set(auth).buffer(true).parse(asText).expect(200);
      const events = (res.body as string).trim().split('\n').map((line) => JSON.parse(line));
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ target: { type: 'widget', id: '7' } });
      const file = path.join(dir, 'filtered.ndjson');
      await writeFile(file, res.body as string);
      expect((await verifyIndependently(file, '--filtered')).code).toBe(0);
    });

    it('refuses an unknown format', async () => {
      const res = await t.http().get('/api/audit/export?format=xml').set(auth);
      expect(res.status).toBe(422);
      expect(res.body.errors[0].field).toBe('format');
    });
  });

  describe('GET /api/audit/verify', () => {
    it('reports the intact chain, its head, and records the verification', async () => {
      const res = await t.http().get('/api/audit/verify').set(auth).expect(200);
      expect(res.body).toMatchObject({ intact: true, fromSeq: 1 });
      expect(res.body.summary).toBe(`intact up to seq ${res.body.toSeq}, head hash ${res.body.headHash} (${res.body.eventsChecked} events checked from seq 1)`);
      const after = await t.http().get('/api/audit/events?action=audit.verified&limit=1000').set(auth).expect(200);
      expect(after.body.items.at(-1).payload).toMatchObject({ intact: true, toSeq: res.body.toSeq });
    });

    it('verifies a range', async () => {
      const res = await t.http().get('/api/audit/verify?fromSeq=5&toSeq=9').set(auth).expect(200);
      expect(res.body).toMatchObject({ intact: true, fromSeq: 5, toSeq: 9, eventsChecked: 5 });
    });
  });
});

describe('audit API: an export whose query fails', () => {
  it('answers problem+json (not plain text, not a file) when the database refuses the export', async () => {
    const t = await createTestApp();
    try {
      const auth = bearer((await adminUser(t)).token);
      const [{ role }] = await t.dataSource.query('SELECT current_user AS role');
      // The writer still appends (it reads back only seq, prev_hash and hash); reading the whole row is refused.
      await withClient(t.database.url, async (owner) => {
        await owner.query(`REVOKE SELECT ON audit_events FROM ${escapeIdentifier(role)}`);
        await owner.query(`GRANT SELECT (chain, seq, prev_hash, hash) ON audit_events TO ${escapeIdentifier(role)}`);
      });
      const res = await t.http().get('/api/audit/export?format=ndjson').set(auth).buffer(true).parse(asText);
      expect(res.status).toBe(500);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.headers['content-disposition']).toBeUndefined();
      expect(res.headers['x-audit-chain-head']).toBeUndefined();
      expect(JSON.parse(res.body as string)).toMatchObject({ status: 500, errorId: expect.any(String) });
    } finally {
      await t.close();
    }
  });
});

describe('audit API: tampering shows in verify and in the independent verifier', () => {
  it('names the edited event in both', async () => {
    const t = await createTestApp();
    try {
      const auth = bearer((await adminUser(t)).token);
      await createWidgetTable(t);
      for (let i = 1; i <= 6; i++) await createWidgetAudited(t, `w${i}`);
      await tamperAsSuperuser(t, `UPDATE audit_events SET actor_display_name = 'Someone else' WHERE seq = 4`);

      const res = await t.http().get('/api/audit/verify').set(auth).expect(200);
      expect(res.body).toMatchObject({ intact: false, intactUpToSeq: 3, firstBreak: { seq: 4, reason: 'hash_mismatch' } });
      expect(res.body.summary).toMatch(/^broken at seq 4 .*hash_mismatch/);

      const exported = await t.http().get('/api/audit/export').set(auth).buffer(true).parse(asText).expect(200);
      const dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-export-'));
      const file = path.join(dir, 'tampered.ndjson');
      await writeFile(file, exported.body as string);
      const verdict = await verifyIndependently(file);
      await rm(dir, { recursive: true, force: true });
      expect(verdict.code).toBe(2);
      expect(verdict.output).toMatch(/^broken at seq 4: hash_mismatch/);
    } finally {
      await t.close();
    }
  });
});
