import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  AUDIT_EVENT_COLUMNS, AuditCheckpoints, AuditEventRow, canonicalCheckpoint, computeEventHash, eventFromRow, keyPairFromPrivatePem, parseCheckpoint,
  SignedCheckpoint, signCheckpoint, verifyCheckpointSignature,
} from '@app/audit';
import { adminUser, bearer, createTestApp, createTestDatabase, TEST_SIGNING_KEY_PEM, TestApp, withClient } from './support';
import { createWidgetAudited, createWidgetTable, headSeq, verifyChain } from './support/audit-helpers';
import { runCommand } from './support/run-command';

const CLI = path.join(__dirname, '..', 'dist', 'apps', 'api', 'src', 'cli');
const TEST_KEY = keyPairFromPrivatePem(TEST_SIGNING_KEY_PEM);
const newKeyPem = () => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

function asText(res: import('supertest').Response, done: (error: Error | null, body: string) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
}

/** The built `npm run audit:verify -- --file … --checkpoint … --public-key …`: no database involved. */
function verifyOffline(file: string, checkpoint: string, publicKey: string) {
  const { DATABASE_URL: _none, ...env } = process.env;
  return runCommand(process.execPath, [path.join(CLI, 'audit-verify.js'), '--file', file, '--checkpoint', checkpoint, '--public-key', publicKey], env);
}

async function until<T>(read: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('signed checkpoints', () => {
  let t: TestApp;
  let auth: Record<string, string>;
  let dir: string;
  let publicKeyFile: string;

  /** An unfiltered NDJSON export, its checkpoint (from the Audit-Checkpoint header) and both kept as files. */
  async function exportWithCheckpoint(name: string) {
    const res = await t.http().get('/api/audit/export?format=ndjson').set(auth).buffer(true).parse(asText).expect(200);
    const checkpoint = parseCheckpoint(res.headers['audit-checkpoint']);
    const file = path.join(dir, `${name}.ndjson`);
    const checkpointFile = path.join(dir, `${name}.checkpoint.json`);
    await writeFile(file, res.body as string);
    await writeFile(checkpointFile, `${JSON.stringify(checkpoint, null, 2)}\n`);
    return { body: res.body as string, headers: res.headers, checkpoint, file, checkpointFile };
  }

  beforeAll(async () => {
    t = await createTestApp();
    auth = bearer((await adminUser(t)).token);
    dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-checkpoints-'));
    await createWidgetTable(t);
    for (let i = 1; i <= 6; i++) await createWidgetAudited(t, `w${i}`);
    const key = await t.http().get('/api/audit/public-key').set(auth).expect(200);
    publicKeyFile = path.join(dir, 'key.pem');
    await writeFile(publicKeyFile, key.body.publicKey);
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('GET /api/audit/public-key gives the current key and every known key', async () => {
    const res = await t.http().get('/api/audit/public-key').set(auth).expect(200);
    expect(res.body).toEqual({
      keyId: TEST_KEY.keyId,
      algorithm: 'Ed25519',
      publicKey: TEST_KEY.publicKeyPem,
      keys: [{ keyId: TEST_KEY.keyId, algorithm: 'Ed25519', publicKey: TEST_KEY.publicKeyPem, firstUsedAt: expect.any(String) }],
    });
  });

  it('POST /api/audit/checkpoints signs the head, is not itself an audit event, and lists newest first', async () => {
    const head = await headSeq(t);
    const res = await t.http().post('/api/audit/checkpoints').set(auth).expect(201);
    const [row] = await t.dataSource.query(`SELECT hash FROM audit_chain_heads WHERE chain = 'main'`);
    expect(res.body).toEqual({ chain: 'main', seq: head, headHash: row.hash, signedAt: expect.stringMatching(/Z$/), keyId: TEST_KEY.keyId, signature: expect.any(String) });
    expect(verifyCheckpointSignature(res.body, TEST_KEY.publicKey)).toEqual({ valid: true });
    expect(await headSeq(t)).toBe(head);
    // The same head again: the stored checkpoint, not a second one.
    expect((await t.http().post('/api/audit/checkpoints').set(auth).expect(201)).body).toEqual(res.body);

    await createWidgetAudited(t, 'after the first checkpoint');
    const newer = (await t.http().post('/api/audit/checkpoints').set(auth).expect(201)).body;
    expect(newer.seq).toBe(head + 1);
    const first = await t.http().get('/api/audit/checkpoints?limit=1').set(auth).expect(200);
    expect(first.body.items).toEqual([newer]);
    const second = await t.http().get(`/api/audit/checkpoints?limit=1&cursor=${first.body.nextCursor}`).set(auth).expect(200);
    expect(second.body.items).toEqual([res.body]);
    await t.http().get('/api/audit/checkpoints?cursor=bogus').set(auth).expect(422);
  });

  it('an export carries the signed checkpoint of its snapshot head, and verifies offline against it', async () => {
    const exported = await exportWithCheckpoint('intact');
    const [, seq, hash] = /^seq=(\d+); hash=([0-9a-f]{64})$/.exec(exported.headers['x-audit-chain-head'])!;
    expect(exported.checkpoint).toMatchObject({ chain: 'main', seq: Number(seq), headHash: hash, keyId: TEST_KEY.keyId });
    const lines = exported.body.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines[lines.length - 1]).toMatchObject({ seq: Number(seq), hash });
    expect(await t.app.get(AuditCheckpoints).at(Number(seq))).toEqual(exported.checkpoint);

    const result = await verifyOffline(exported.file, exported.checkpointFile, publicKeyFile);
    expect(result).toEqual({ code: 0, output: expect.stringMatching(/^ok +chain: intact up to seq \d+.*\nok +checkpoint: .*\nok +signature: valid Ed25519 signature by ed25519:[0-9a-f]{16}.*\nintact: /) });
    // The header value itself works as the checkpoint file.
    await writeFile(path.join(dir, 'header.txt'), exported.headers['audit-checkpoint']);
    expect((await verifyOffline(exported.file, path.join(dir, 'header.txt'), publicKeyFile)).code).toBe(0);
  });

  it('detects a cut-off tail against the checkpoint (exit 2)', async () => {
    const exported = await exportWithCheckpoint('cut');
    const truncated = path.join(dir, 'cut-short.ndjson');
    await writeFile(truncated, `${exported.body.trimEnd().split('\n').slice(0, -2).join('\n')}\n`);
    const result = await verifyOffline(truncated, exported.checkpointFile, publicKeyFile);
    expect(result.code).toBe(2);
    expect(result.output).toMatch(/^ok +chain: intact up to seq/);
    expect(result.output).toMatch(/FAILED checkpoint: the export ends at seq \d+, before the checkpoint's seq \d+: events were cut from the end/);
    expect(result.output).toMatch(/broken: checkpoint check failed$/);
  });

  it('refuses a forged signature and a checkpoint signed by another key (exit 2), and bad input (exit 1)', async () => {
    const exported = await exportWithCheckpoint('forged');
    const signature = Buffer.from(exported.checkpoint.signature, 'base64');
    signature[0] ^= 0xff;
    const forgedFile = path.join(dir, 'forged-signature.json');
    await writeFile(forgedFile, JSON.stringify({ ...exported.checkpoint, signature: signature.toString('base64') }));
    const forged = await verifyOffline(exported.file, forgedFile, publicKeyFile);
    expect(forged.code).toBe(2);
    expect(forged.output).toMatch(/FAILED signature: bad_signature/);

    const other = keyPairFromPrivatePem(newKeyPem());
    const byOther = signCheckpoint({ ...exported.checkpoint, keyId: other.keyId }, other);
    const otherFile = path.join(dir, 'other-key.json');
    await writeFile(otherFile, JSON.stringify(byOther));
    const wrongKey = await verifyOffline(exported.file, otherFile, publicKeyFile);
    expect(wrongKey.code).toBe(2);
    expect(wrongKey.output).toMatch(/FAILED signature: key_mismatch: the checkpoint was signed by ed25519:/);
    // The same, relabelled with the service's key id.
    await writeFile(otherFile, JSON.stringify({ ...byOther, keyId: TEST_KEY.keyId }));
    expect((await verifyOffline(exported.file, otherFile, publicKeyFile)).output).toMatch(/FAILED signature: bad_signature/);

    expect(await verifyOffline(exported.file, path.join(dir, 'missing.json'), publicKeyFile)).toEqual({ code: 1, output: expect.stringMatching(/^--checkpoint: /) });
    expect(await verifyOffline(exported.file, exported.checkpointFile, exported.file)).toEqual({ code: 1, output: expect.stringMatching(/^--public-key: /) });
    await writeFile(path.join(dir, 'garbage.ndjson'), 'not json\n');
    expect(await verifyOffline(path.join(dir, 'garbage.ndjson'), exported.checkpointFile, publicKeyFile)).toEqual({ code: 1, output: '--file: line 1 is not JSON' });
    // A duplicate member name is refused, not resolved (docs/audit-chain.md, section 2).
    await writeFile(path.join(dir, 'duplicate.ndjson'), exported.body.replace(/^\{/, '{"seq":1,'));
    expect(await verifyOffline(path.join(dir, 'duplicate.ndjson'), exported.checkpointFile, publicKeyFile)).toEqual({
      code: 1,
      output: '--file: line 1 names the member "seq" twice in one object',
    });
  });

  it('verifies with openssl and no Gatehouse code (docs/audit-chain.md, section 7)', async () => {
    let hasOpenssl = true;
    try {
      execFileSync('openssl', ['version']);
    } catch {
      hasOpenssl = false;
    }
    if (!hasOpenssl) return;
    const checkpoint: SignedCheckpoint = (await t.http().post('/api/audit/checkpoints').set(auth).expect(201)).body;
    const checkpointFile = path.join(dir, 'openssl-checkpoint.json');
    await writeFile(checkpointFile, JSON.stringify(checkpoint));
    // The documented recipe: python3's json gives the RFC 8785 form of these five members (ASCII text and an integer).
    const canonical = execFileSync('python3', ['-c', `import json,sys; c=json.load(open(sys.argv[1])); sys.stdout.write(json.dumps({k: c[k] for k in ("chain","seq","headHash","signedAt","keyId")}, sort_keys=True, separators=(",",":")))`, checkpointFile]);
    expect(canonical.toString('utf8')).toBe(canonicalCheckpoint(checkpoint));
    await writeFile(path.join(dir, 'checkpoint-canonical.json'), canonical);
    await writeFile(path.join(dir, 'sig.bin'), Buffer.from(checkpoint.signature, 'base64'));
    const verify = (input: string) =>
      runCommand('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', publicKeyFile, '-rawin', '-in', input, '-sigfile', path.join(dir, 'sig.bin')]);
    expect(await verify(path.join(dir, 'checkpoint-canonical.json'))).toEqual({ code: 0, output: 'Signature Verified Successfully' });
    await writeFile(path.join(dir, 'changed.json'), canonical.toString('utf8').replace(`"seq":${checkpoint.seq}`, `"seq":${checkpoint.seq + 1}`));
    expect((await verify(path.join(dir, 'changed.json'))).code).not.toBe(0);
  });

  it('a rewrite of the whole chain, head included, passes the chain check but not a checkpoint kept outside', async () => {
    const before = await exportWithCheckpoint('before-rewrite');
    // As a superuser: change event 3, then re-hash every event after it and move the head to match.
    await withClient(t.database.url, async (superuser) => {
      await superuser.query('SET session_replication_role = replica');
      const { rows } = await superuser.query<AuditEventRow>(`SELECT ${AUDIT_EVENT_COLUMNS} FROM audit_events WHERE chain = 'main' ORDER BY seq`);
      let prevHash = rows.length ? eventFromRow(rows[0]).prevHash : '';
      for (const row of rows) {
        const event = eventFromRow(row);
        if (event.seq === 3) event.reason = 'rewritten history';
        event.prevHash = prevHash;
        event.hash = computeEventHash(event);
        await superuser.query('UPDATE audit_events SET reason = $1, prev_hash = $2, hash = $3 WHERE chain = $4 AND seq = $5', [event.reason, event.prevHash, event.hash, event.chain, event.seq]);
        prevHash = event.hash;
      }
      await superuser.query(`UPDATE audit_chain_heads SET hash = $1 WHERE chain = 'main'`, [prevHash]);
    });
    expect(await verifyChain(t)).toMatchObject({ intact: true });

    const after = await exportWithCheckpoint('after-rewrite');
    // The new export verifies against its own, new checkpoint: only a checkpoint kept from before shows the rewrite.
    expect((await verifyOffline(after.file, after.checkpointFile, publicKeyFile)).code).toBe(0);
    const result = await verifyOffline(after.file, before.checkpointFile, publicKeyFile);
    expect(result.code).toBe(2);
    expect(result.output).toMatch(/^ok +chain: intact/);
    expect(result.output).toMatch(new RegExp(`FAILED checkpoint: the event at seq ${before.checkpoint.seq} has hash [0-9a-f]{64}, the checkpoint signed ${before.checkpoint.headHash}: the chain was rewritten`));
    expect(result.output).toMatch(/ok +signature: valid/);
  });

  it('npm run audit:public-key prints the key id and PEM of the configured key', async () => {
    const { DATABASE_URL: _none, ...env } = process.env;
    const result = await runCommand(process.execPath, [path.join(CLI, 'audit-public-key.js')], { ...env, GATEHOUSE_AUDIT_SIGNING_KEY: TEST_SIGNING_KEY_PEM });
    expect(result).toEqual({ code: 0, output: `# ${TEST_KEY.keyId} (Ed25519)\n${TEST_KEY.publicKeyPem}`.trim() });
  });
});

describe('checkpoint keys and schedule', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'gatehouse-keys-'));
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  it('signs on schedule after N events', async () => {
    const t = await createTestApp({ env: { GATEHOUSE_CHECKPOINT_EVERY_EVENTS: '5', GATEHOUSE_CHECKPOINT_EVERY_SECONDS: '3600' } });
    try {
      const checkpoints = t.app.get(AuditCheckpoints);
      // No checkpoint yet: the first round signs the head at once.
      const first = await until(() => checkpoints.latest());
      await createWidgetTable(t);
      for (let i = 1; i <= 4; i++) await createWidgetAudited(t, `s${i}`);
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect((await checkpoints.latest())!.seq).toBe(first.seq);
      await createWidgetAudited(t, 's5');
      const next = await until(async () => {
        const latest = await checkpoints.latest();
        return latest && latest.seq > first.seq ? latest : undefined;
      });
      expect(next.seq).toBe(first.seq + 5);
      expect(verifyCheckpointSignature(next, TEST_KEY.publicKey)).toEqual({ valid: true });
    } finally {
      await t.close();
    }
  });

  it('uses a key from a file, keeps every key used, and checkpoints signed before a rotation stay verifiable', async () => {
    const database = await createTestDatabase();
    try {
      const first = await createTestApp({ database });
      let old: SignedCheckpoint;
      try {
        old = await first.app.get(AuditCheckpoints).checkpointHead();
      } finally {
        await first.close();
      }
      const file = path.join(home, 'rotated.pem');
      const rotated = newKeyPem();
      await writeFile(file, rotated, { mode: 0o600 });
      const second = await createTestApp({ database, env: { GATEHOUSE_AUDIT_SIGNING_KEY: '', GATEHOUSE_AUDIT_SIGNING_KEY_FILE: file } });
      try {
        const res = await second.http().get('/api/audit/public-key').set(bearer((await adminUser(second)).token)).expect(200);
        expect(res.body.keyId).toBe(keyPairFromPrivatePem(rotated).keyId);
        expect(res.body.keys.map((key: { keyId: string }) => key.keyId)).toEqual([TEST_KEY.keyId, res.body.keyId]);
        const oldKey = res.body.keys[0];
        expect(verifyCheckpointSignature(old, createPublicKey(oldKey.publicKey))).toEqual({ valid: true });
      } finally {
        await second.close();
      }
    } finally {
      await database.drop();
    }
  });

  it('generates a key at first start (mode 0600) and reuses it at the next start on the same data directory', async () => {
    const database = await createTestDatabase();
    const env = { GATEHOUSE_AUDIT_SIGNING_KEY: '', GATEHOUSE_DATA_DIR: path.join(home, 'state') };
    try {
      const keyIds: string[] = [];
      for (let start = 0; start < 2; start++) {
        const t = await createTestApp({ database, env });
        try {
          keyIds.push(t.app.get(AuditCheckpoints).keyId);
        } finally {
          await t.close();
        }
      }
      const file = path.join(home, 'state', 'audit-signing-key.pem');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(keyIds).toEqual([keyPairFromPrivatePem(await readFile(file, 'utf8')).keyId, keyPairFromPrivatePem(await readFile(file, 'utf8')).keyId]);
      const rows = await withClient(database.url, async (client) => (await client.query('SELECT key_id FROM audit_signing_keys')).rows);
      expect(rows).toEqual([{ key_id: keyIds[0] }]);
    } finally {
      await database.drop();
    }
  });
});
