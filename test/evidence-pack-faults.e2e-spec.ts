import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AuditTrail } from '@app/audit';
import { bearer, createTestApp, givenTeam, givenUseCase, givenUser, TestApp, TestUser, withClient } from './support';
import { runCommand } from './support/run-command';

/**
 * The evidence pack under a hostile or unlucky client: a download cut short
 * must leave no snapshot transaction, no pooled connection and no crash behind.
 */
describe('the evidence pack when the client goes away', () => {
  let t: TestApp;
  let officer: TestUser;
  let port: number;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as { port: number }).port;
    officer = await givenUser(t, { roles: ['compliance_officer'] });
    // A trail long enough (several MB, incompressible) that its slice is still streaming when the client leaves.
    const trail = t.app.get(AuditTrail);
    const actor = { id: officer.id, kind: 'user' as const, displayName: 'bulk', roles: ['compliance_officer'] };
    await t.dataSource.transaction(async (tx) => {
      for (let i = 0; i < 2500; i++) {
        await trail.record(tx, { action: 'compliance.pack_exported', actor, target: { type: 'evidence_pack', id: 'bulk' }, data: { from: randomBytes(1500).toString('base64'), to: 'filler', files: false } });
      }
    });
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  const inTransaction = async () =>
    (await t.dataSource.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND xact_start IS NOT NULL AND pid <> pg_backend_pid()`))[0].n as number;
  const eventually = async (check: () => Promise<boolean>, ms = 10_000) => {
    const until = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > until) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  it('a client that hangs up after the first bytes leaves no open transaction, and the next pack is whole', async () => {
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/api/compliance/iso42001/pack', headers: bearer(officer.token) }, (res) => {
          expect(res.statusCode).toBe(200);
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', () => undefined);
        req.on('close', () => resolve());
        req.end();
        // Unreferenced: a guard for a hang, never a reason for the test process to stay.
        setTimeout(() => reject(new Error('no first byte')), 20_000).unref();
      });
    }
    await eventually(async () => (await inTransaction()) === 0).catch(async (e) => {
      console.log(await t.dataSource.query(`SELECT pid, state, wait_event_type, wait_event, left(query, 120) AS q FROM pg_stat_activity WHERE datname = current_database() AND xact_start IS NOT NULL AND pid <> pg_backend_pid()`));
      throw e;
    });
    const pool = (t.dataSource.driver as unknown as { master: { totalCount: number; idleCount: number } }).master;
    await eventually(async () => pool.totalCount === pool.idleCount);
    const whole = await t.http().get('/api/compliance/iso42001/pack').set(bearer(officer.token)).buffer(true)
      .parse((res, done) => { const c: Buffer[] = []; res.on('data', (b: Buffer) => c.push(b)); res.on('end', () => done(null, Buffer.concat(c))); }).expect(200);
    expect((whole.body as Buffer).subarray(-22).readUInt32LE(0)).toBe(0x06054b50); // the ZIP's end of central directory
  }, 60_000);

  it('reads the whole pack in one snapshot: a change made while the client is still downloading is in no file, dossier or trail slice', async () => {
    const teamId = (await givenTeam(t)).id;
    const developer = await givenUser(t, { teams: [{ teamId, role: 'developer' }] });
    const useCase = await givenUseCase(t, developer.token, teamId);
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/compliance/iso42001/pack', headers: bearer(officer.token) }, (res) => {
        expect(res.statusCode).toBe(200);
        // The pack has begun; the client holds it there while the use case changes.
        res.pause();
        void t.http().patch(`/api/use-cases/${useCase.id}`).set(bearer(developer.token)).send({ title: 'Changed during the download' }).expect(200).then(() => {
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve());
          res.resume();
        }, reject);
      });
      req.on('error', reject);
      req.end();
    });
    const work = await mkdtemp(path.join(tmpdir(), 'gatehouse-pack-instant-'));
    try {
      await writeFile(path.join(work, 'pack.zip'), Buffer.concat(chunks));
      expect((await runCommand('python3', ['-m', 'zipfile', '-e', path.join(work, 'pack.zip'), path.join(work, 'pack')])).code).toBe(0);
      const dossier = JSON.parse(await readFile(path.join(work, 'pack', 'use-cases', useCase.id, 'dossier.json'), 'utf8'));
      expect(dossier.revisions.map((r: { revision: number }) => r.revision)).toEqual([1]);
      const slice = (await readFile(path.join(work, 'pack', 'audit-trail', 'events.ndjson'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
      expect(slice.filter((e: { action: string; useCaseId: string }) => e.useCaseId === useCase.id).map((e: { action: string }) => e.action)).toEqual(['use_case.created']);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    // The change itself is there for the next pack.
    expect((await t.http().get(`/api/use-cases/${useCase.id}`).set(bearer(developer.token)).expect(200)).body.revision).toBe(2);
  }, 60_000);

  it('the same holds for a plain audit export (GET /api/audit/export) cut short', async () => {
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/api/audit/export?format=ndjson', headers: bearer(officer.token) }, (res) => {
          expect(res.statusCode).toBe(200);
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', () => undefined);
        req.on('close', () => resolve());
        req.end();
        // Unreferenced: a guard for a hang, never a reason for the test process to stay.
        setTimeout(() => reject(new Error('no first byte')), 20_000).unref();
      });
    }
    await eventually(async () => (await inTransaction()) === 0);
    await t.http().get('/api/audit/export?format=ndjson').set(bearer(officer.token)).expect(200);
  }, 60_000);

  /** A pack downloaded over a raw connection: whether the ZIP came whole, and what the server said. */
  const rawPack = (query: string) =>
    new Promise<{ status: number; complete: boolean; body: Buffer }>((resolve) => {
      const chunks: Buffer[] = [];
      request({ host: '127.0.0.1', port, path: `/api/compliance/iso42001/pack${query}`, headers: bearer(officer.token) }, (res) => {
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, complete: res.complete, body: Buffer.concat(chunks) }));
        res.on('error', () => resolve({ status: res.statusCode!, complete: false, body: Buffer.concat(chunks) }));
      })
        .on('error', () => resolve({ status: 0, complete: false, body: Buffer.concat(chunks) }))
        .end();
    });

  it('an evidence file missing from the store, or changed there, is never packed as something else: the download is cut, nothing is held', async () => {
    const team = await givenTeam(t);
    const owner = await givenUser(t, { teams: [{ teamId: team.id, role: 'developer' }] });
    const useCase = await givenUseCase(t, owner.token, team.id);
    const uploaded = await t.http().post(`/api/use-cases/${useCase.id}/evidence`).set(bearer(owner.token))
      .field('kind', 'model_card').field('title', 'Model card').attach('file', Buffer.from('the real model card'), { filename: 'card.txt', contentType: 'text/plain' }).expect(201);
    for (const tamper of ['UPDATE evidence_blob_chunks SET data = $2 WHERE blob_id = (SELECT blob_id FROM evidence WHERE id = $1)', 'DELETE FROM evidence_blob_chunks WHERE blob_id = (SELECT blob_id FROM evidence WHERE id = $1)']) {
      await withClient(t.database.url, async (superuser) => {
        // As someone with the server's superuser would: past the table's guard triggers.
        await superuser.query('SET session_replication_role = replica');
        await superuser.query(tamper, tamper.startsWith('UPDATE') ? [uploaded.body.id, Buffer.from('a forged model card')] : [uploaded.body.id]);
      });
      const pack = await rawPack('?files=true');
      expect(pack.status).toBe(200);
      expect(pack.complete).toBe(false);
      await eventually(async () => (await inTransaction()) === 0);
      await t.http().get('/health/ready').expect(200);
    }
    // Without the files, the pack is whole.
    const index = await rawPack('');
    expect(index.complete).toBe(true);
    expect(index.body.subarray(-22).readUInt32LE(0)).toBe(0x06054b50);
  }, 60_000);
});
