import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { WebhookDeliveryWorker } from '../apps/api/src/modules/webhooks/webhook-delivery.worker';
import { adminUser, bearer, createTestApp, createTestDatabase, TEST_ADMIN, TEST_JWT_SECRET, TEST_SIGNING_KEY_PEM, TestApp, TestDatabase, TestUser, withClient } from './support';
import { BUILT_MAIN, waitUntilReady } from './support/built-service';

/**
 * Signed webhooks against a real receiver: a node http server on 127.0.0.1
 * in this process. Every check of a signature uses the Standard Webhooks
 * reference implementation (the `standardwebhooks` package).
 */
interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  json: { type: string; timestamp: string; data: { seq: number; hash: string; prevHash: string; event: { id: string; seq: number; action: string; occurredAt: string } } };
}

/** What the receiver answers at a path: a status, or 'hang' (never answer). Default 200. */
type Behaviour = (count: number) => number | 'hang';

class Receiver {
  readonly received: Received[] = [];
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly counts = new Map<string, number>();
  private readonly hanging = new Set<ServerResponse>();
  private server!: Server;
  base = '';

  async start() {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const path = req.url ?? '/';
        const count = (this.counts.get(path) ?? 0) + 1;
        this.counts.set(path, count);
        this.received.push({ path, headers: req.headers as Record<string, string>, body, json: JSON.parse(body) });
        const answer = (this.behaviours.get(path) ?? (() => 200))(count);
        if (answer === 'hang') {
          this.hanging.add(res);
          return;
        }
        res.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  on(path: string, behaviour: Behaviour) {
    this.behaviours.set(path, behaviour);
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop() {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const FAST = {
  GATEHOUSE_WEBHOOK_ALLOW_HTTP: 'true',
  GATEHOUSE_WEBHOOK_ALLOW_LOOPBACK: 'true',
  GATEHOUSE_WEBHOOK_POLL_MS: '20',
  GATEHOUSE_WEBHOOK_TIMEOUT_MS: '1500',
  GATEHOUSE_WEBHOOK_BACKOFF_BASE_MS: '20',
  GATEHOUSE_WEBHOOK_BACKOFF_CAP_MS: '80',
  GATEHOUSE_WEBHOOK_MAX_ATTEMPTS: '3',
};

async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The signature check the README shows (the block after <!-- webhook-verify -->), as a function. */
function readmeVerifier(): (secret: string, headers: Record<string, string>, body: string) => boolean {
  const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const code = /<!-- webhook-verify -->\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!code) throw new Error('README.md has no <!-- webhook-verify --> block');
  return new Function('require', `${code}\nreturn verifyWebhook;`)(require) as ReturnType<typeof readmeVerifier>;
}

describe('signed webhooks', () => {
  let database: TestDatabase;
  let t: TestApp;
  let second: TestApp | undefined;
  let admin: TestUser;
  const receiver = new Receiver();
  let teamCount = 0;

  beforeAll(async () => {
    await receiver.start();
    database = await createTestDatabase();
    t = await createTestApp({ database, env: FAST });
    admin = await adminUser(t);
  });
  afterAll(async () => {
    await second?.close();
    await t.close();
    await receiver.stop();
    await database.drop();
  });

  const as = () => bearer(admin.token);
  const register = async (path: string, eventTypes: string[], app = t) => {
    const res = await app.http().post('/api/webhooks').set(as()).send({ url: `${receiver.base}${path}`, eventTypes, description: path }).expect(201);
    return res.body as { id: string; secret: string; lastDeliveredSeq: number };
  };
  /** A change whose event (team.created) every team.* endpoint receives; answers with its seq. */
  const changeSomething = async (app = t) => {
    const res = await app.http().post('/api/teams').set(as()).send({ name: `team ${++teamCount} ${Date.now()}` }).expect(201);
    const [event] = await t.dataSource.query(`SELECT seq FROM audit_events WHERE action = 'team.created' AND target_id = $1`, [res.body.id]);
    return Number(event.seq);
  };
  const disable = (id: string) => t.http().delete(`/api/webhooks/${id}`).set(as()).expect(200);
  const deliveries = async (id: string) => (await t.http().get(`/api/webhooks/${id}/deliveries?limit=200`).set(as()).expect(200)).body.items as { seq: number; statusCode: number | null; error: string | null; succeeded: boolean; eventId: string; instance: string; durationMs: number }[];

  it('signs every delivery so that the reference implementation verifies it; the events arrive in seq order, only those selected, as the export gives them', async () => {
    const created = await t.http().post('/api/webhooks').set(as()).send({ url: `${receiver.base}/signed`, eventTypes: ['team.*'] }).expect(201);
    expect(created.headers['cache-control']).toBe('no-store');
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const { id, secret } = created.body;
    // The secret is shown once: never in a read.
    expect(JSON.stringify((await t.http().get(`/api/webhooks/${id}`).set(as()).expect(200)).body)).not.toContain(secret.slice(6));
    expect(JSON.stringify((await t.http().get('/api/webhooks').set(as()).expect(200)).body)).not.toContain(secret.slice(6));

    const seqs = [await changeSomething()];
    await t.http().post('/api/users').set(as()).send({ email: `svc-${Date.now()}@gatehouse.test`, displayName: 'Not selected', kind: 'service' }).expect(201);
    seqs.push(await changeSomething(), await changeSomething());
    const got = await eventually(() => (receiver.at('/signed').length >= 3 ? receiver.at('/signed') : undefined), 'three deliveries');
    await sleep(200);
    expect(receiver.at('/signed')).toHaveLength(3);

    const verifier = new Webhook(secret);
    expect(got.map((r) => r.json.data.seq)).toEqual(seqs);
    const exported = (await t.http().get('/api/audit/export?action=team.created').set(as()).expect(200)).text.trim().split('\n').map((line) => JSON.parse(line));
    for (const delivery of got) {
      expect(verifier.verify(delivery.body, delivery.headers)).toEqual(delivery.json);
      expect(delivery.headers['content-type']).toBe('application/json');
      const { event } = delivery.json.data;
      expect(delivery.headers['webhook-id']).toBe(event.id);
      expect(Math.abs(Number(delivery.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
      expect(delivery.json).toMatchObject({ type: 'team.created', timestamp: event.occurredAt });
      expect(event).toEqual(exported.find((line) => line.seq === delivery.json.data.seq));
      expect(delivery.json.data).toMatchObject({ hash: (event as unknown as { hash: string }).hash, prevHash: (event as unknown as { prevHash: string }).prevHash });
    }
    // Tampering with the body breaks the signature.
    expect(() => verifier.verify(got[0].body.replace('team.created', 'team.creatEd'), got[0].headers)).toThrow();

    // The README's hand-written check (node:crypto) agrees with the reference implementation.
    const verifyWebhook = readmeVerifier();
    for (const delivery of got) expect(verifyWebhook(secret, delivery.headers, delivery.body)).toBe(true);
    expect(verifyWebhook(secret, got[0].headers, got[0].body.replace('team.created', 'team.creatEd'))).toBe(false);
    expect(verifyWebhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, got[0].headers, got[0].body)).toBe(false);
    expect(verifyWebhook(secret, { ...got[0].headers, 'webhook-timestamp': String(Math.floor(Date.now() / 1000) - 3600) }, got[0].body)).toBe(false);

    // The cursor is past the last event delivered (and past events not selected).
    const view = await eventually(async () => {
      const body = (await t.http().get(`/api/webhooks/${id}`).set(as()).expect(200)).body;
      return body.lastDeliveredSeq >= seqs[2] ? body : undefined;
    }, 'the cursor past the last delivery');
    expect(view).toMatchObject({ status: 'active', consecutiveFailures: 0 });
    const trail = await t.dataSource.query(`SELECT payload FROM audit_events WHERE action = 'webhook.created' AND target_id = $1`, [id]);
    expect(trail[0].payload.after).toMatchObject({ origin: receiver.base, eventTypes: ['team.*'], description: null });
    expect(JSON.stringify(trail)).not.toContain('/signed');
    await disable(id);
  });

  it('sends the same event again (same webhook-id) after a 500, then the next one; the attempts are listed', async () => {
    receiver.on('/flaky', (count) => (count === 1 ? 500 : 200));
    const { id } = await register('/flaky', ['team.*']);
    const first = await changeSomething();
    const next = await changeSomething();
    const got = await eventually(() => (receiver.at('/flaky').length >= 3 ? receiver.at('/flaky') : undefined), 'a retry and the next event');
    expect(got.slice(0, 3).map((r) => r.json.data.seq)).toEqual([first, first, next]);
    expect(got[1].headers['webhook-id']).toBe(got[0].headers['webhook-id']);
    expect(got[2].headers['webhook-id']).not.toBe(got[0].headers['webhook-id']);
    const attempts = await eventually(async () => {
      const listed = await deliveries(id);
      return listed.length >= 3 ? listed : undefined;
    }, 'three attempts listed');
    // Newest first.
    expect(attempts.slice(0, 3).map((a) => [a.seq, a.statusCode, a.succeeded])).toEqual([[next, 200, true], [first, 200, true], [first, 500, false]]);
    expect(attempts[2].error).toBe('answered 500');
    // Paging: one at a time, back to the first attempt.
    const page = (await t.http().get(`/api/webhooks/${id}/deliveries?limit=1`).set(as()).expect(200)).body;
    expect(page.items).toHaveLength(1);
    const older = (await t.http().get(`/api/webhooks/${id}/deliveries?limit=5&cursor=${page.nextCursor}`).set(as()).expect(200)).body;
    expect(older.items[0].id).toBeLessThan(page.items[0].id);
    await t.http().get(`/api/webhooks/${id}/deliveries?cursor=not-a-cursor`).set(as()).expect(422);
    await disable(id);
  });

  it('counts a receiver that does not answer within the timeout as a failure, and sends again', async () => {
    receiver.on('/slow', (count) => (count === 1 ? 'hang' : 204));
    const { id } = await register('/slow', ['team.*']);
    const seq = await changeSomething();
    const got = await eventually(() => (receiver.at('/slow').length >= 2 ? receiver.at('/slow') : undefined), 'a retry after the timeout');
    expect(got.map((r) => r.json.data.seq)).toEqual([seq, seq]);
    expect(got[1].headers['webhook-id']).toBe(got[0].headers['webhook-id']);
    const attempts = await eventually(async () => {
      const listed = await deliveries(id);
      return listed.length >= 2 ? listed : undefined;
    }, 'both attempts listed');
    expect(attempts[1]).toMatchObject({ seq, statusCode: null, succeeded: false, error: 'no answer within 1500 ms' });
    expect(attempts[1].durationMs).toBeGreaterThanOrEqual(1490);
    expect(attempts[0]).toMatchObject({ seq, statusCode: 204, succeeded: true });
    await disable(id);
  });

  it('parks an endpoint after the configured number of consecutive failures, records it, and redelivers on request, from an earlier seq too', async () => {
    let up = false;
    receiver.on('/down', () => (up ? 200 : 503));
    const { id } = await register('/down', ['team.*']);
    const seq = await changeSomething();
    const parked = await eventually(async () => {
      const view = (await t.http().get(`/api/webhooks/${id}`).set(as()).expect(200)).body;
      return view.status === 'parked' ? view : undefined;
    }, 'the endpoint parked');
    expect(parked.consecutiveFailures).toBe(3);
    await sleep(200);
    expect(receiver.at('/down').map((r) => r.json.data.seq)).toEqual([seq, seq, seq]);
    const [record] = await t.dataSource.query(`SELECT actor_kind, actor_id, payload FROM audit_events WHERE action = 'webhook.parked' AND target_id = $1`, [id]);
    expect(record).toMatchObject({ actor_kind: 'system', actor_id: 'webhook-delivery', payload: { consecutiveFailures: 3, stuckAtSeq: seq, lastError: 'answered 503' } });

    // Parked: a new event waits too.
    const later = await changeSomething();
    await sleep(300);
    expect(receiver.at('/down')).toHaveLength(3);

    up = true;
    const resumed = (await t.http().post(`/api/webhooks/${id}/redeliver`).set(as()).send({}).expect(200)).body;
    expect(resumed).toMatchObject({ status: 'active', consecutiveFailures: 0, parkedAt: null });
    await eventually(() => receiver.at('/down').length >= 5, 'the parked event and the next');
    expect(receiver.at('/down').slice(3).map((r) => r.json.data.seq)).toEqual([seq, later]);

    // A replay from an earlier seq sends the selected events again, in order.
    await t.http().post(`/api/webhooks/${id}/redeliver`).set(as()).send({ fromSeq: seq }).expect(200);
    await eventually(() => receiver.at('/down').length >= 7, 'the replay');
    expect(receiver.at('/down').slice(5, 7).map((r) => r.json.data.seq)).toEqual([seq, later]);
    const redelivered = await t.dataSource.query(`SELECT payload FROM audit_events WHERE action = 'webhook.redelivered' AND target_id = $1 ORDER BY seq`, [id]);
    expect(redelivered.map((e: { payload: object }) => e.payload)).toEqual([
      expect.objectContaining({ fromSeq: null, wasParked: true }),
      expect.objectContaining({ fromSeq: seq, wasParked: false }),
    ]);
    const refused = await t.http().post(`/api/webhooks/${id}/redeliver`).set(as()).send({ fromSeq: 10_000_000 }).expect(422);
    expect(refused.body.errors[0].field).toBe('fromSeq');

    // Disabled is for good: nothing more is sent, and it can be neither resumed nor rotated.
    const disabled = (await disable(id)).body;
    expect(disabled.status).toBe('disabled');
    await t.http().post(`/api/webhooks/${id}/redeliver`).set(as()).send({}).expect(409);
    await t.http().post(`/api/webhooks/${id}/rotate-secret`).set(as()).expect(409);
    await changeSomething();
    await sleep(300);
    expect(receiver.at('/down')).toHaveLength(7);
  });

  it('signs with both secrets during the overlap after a rotation; each verifies on its own', async () => {
    const { id, secret: before } = await register('/rotated', ['team.*']);
    const rotated = await t.http().post(`/api/webhooks/${id}/rotate-secret`).set(as()).expect(200);
    expect(rotated.headers['cache-control']).toBe('no-store');
    const after = rotated.body.secret as string;
    expect(after).not.toBe(before);
    const expires = new Date(rotated.body.previousSecretExpiresAt).getTime();
    expect(Math.abs(expires - (Date.now() + 24 * 3600 * 1000))).toBeLessThan(60_000);
    await changeSomething();
    const [delivery] = await eventually(() => (receiver.at('/rotated').length ? receiver.at('/rotated') : undefined), 'a delivery after rotation');
    const signatures = delivery.headers['webhook-signature'].split(' ');
    expect(signatures).toHaveLength(2);
    expect(new Webhook(after).verify(delivery.body, delivery.headers)).toEqual(delivery.json);
    expect(new Webhook(before).verify(delivery.body, delivery.headers)).toEqual(delivery.json);
    // Each signature is one secret's: the new one first.
    expect(() => new Webhook(after).verify(delivery.body, { ...delivery.headers, 'webhook-signature': signatures[1] })).toThrow();
    const [record] = await t.dataSource.query(`SELECT payload FROM audit_events WHERE action = 'webhook.secret_rotated' AND target_id = $1`, [id]);
    expect(JSON.stringify(record)).not.toContain(before.slice(6));
    expect(JSON.stringify(record)).not.toContain(after.slice(6));
    await disable(id);
  });

  it('refuses URLs that would reach the service itself or its network (422 on url), even with loopback allowed', async () => {
    const refused = async (url: string, app = t) => {
      const res = await app.http().post('/api/webhooks').set(bearer((await adminUser(app)).token)).send({ url, eventTypes: ['*'] }).expect(422);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['url']);
      return res.body.errors[0].detail as string;
    };
    expect(await refused('http://169.254.169.254/latest/meta-data/')).toMatch(/link-local/);
    expect(await refused('http://[fe80::1]/')).toMatch(/link-local/);
    expect(await refused('http://0.0.0.0:9/')).toMatch(/unspecified/);
    expect(await refused('ftp://127.0.0.1/')).toMatch(/https:\/\//);
    expect(await refused('http://user:pw@127.0.0.1/')).toMatch(/credentials/);
    expect(await refused('not a url')).toMatch(/absolute URL/);
    const types = await t.http().post('/api/webhooks').set(as()).send({ url: `${receiver.base}/x`, eventTypes: ['team.*', 'nothing.*', 'team.exploded'] }).expect(422);
    expect(types.body.errors.map((e: { field: string }) => e.field)).toEqual(['eventTypes.1', 'eventTypes.2']);

    // Without the allowances (the defaults): https only, no loopback, no name that resolves to it.
    const strict = await createTestApp({ env: { GATEHOUSE_WEBHOOK_POLL_MS: '20', GATEHOUSE_WEBHOOK_BACKOFF_BASE_MS: '20', GATEHOUSE_WEBHOOK_BACKOFF_CAP_MS: '40' } });
    try {
      expect(await refused('https://127.0.0.1/hook', strict)).toMatch(/loopback/);
      expect(await refused('https://[::1]/hook', strict)).toMatch(/loopback/);
      expect(await refused('https://localhost/hook', strict)).toMatch(/localhost, that resolves to .* loopback/);
      expect(await refused('https://10.0.0.1/hook', strict)).toMatch(/private network/);
      expect(await refused(`${receiver.base}/strict`, strict)).toMatch(/must be an https:\/\/ URL/);

      // Checked again at delivery: an endpoint whose address became loopback (written here past the check) is never sent to.
      const strictAdmin = await adminUser(strict);
      const url = `${receiver.base.replace('http:', 'https:')}/strict`;
      const [{ id }] = await withClient(strict.database.url, async (owner) =>
        (await owner.query(`INSERT INTO webhook_endpoints (url, event_types, secret, created_by, cursor_seq) VALUES ($1, '{*}', 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0', $2, 0) RETURNING id`, [url, strictAdmin.id])).rows,
      );
      const attempts = await eventually(async () => {
        const listed = (await strict.http().get(`/api/webhooks/${id}/deliveries`).set(bearer(strictAdmin.token)).expect(200)).body.items;
        return listed.length ? listed : undefined;
      }, 'a refused attempt');
      expect(attempts[0]).toMatchObject({ succeeded: false, statusCode: null, error: expect.stringMatching(/^refused: the URL points at 127\.0\.0\.1 is a loopback address/) });
      expect(receiver.at('/strict')).toEqual([]);
    } finally {
      await strict.close();
    }
  });

  it('delivers a change made through this instance at once, without waiting for the next poll', async () => {
    // A poll of a minute: only the sealer's nudge can bring the event within the test's patience.
    const patient = await createTestApp({ env: { ...FAST, GATEHOUSE_WEBHOOK_POLL_MS: '60000' } });
    try {
      const patientAdmin = bearer((await adminUser(patient)).token);
      await patient.http().post('/api/webhooks').set(patientAdmin).send({ url: `${receiver.base}/nudged`, eventTypes: ['team.created'] }).expect(201);
      const team = await patient.http().post('/api/teams').set(patientAdmin).send({ name: 'nudged team' }).expect(201);
      const [delivery] = await eventually(() => (receiver.at('/nudged').length ? receiver.at('/nudged') : undefined), 'the delivery before the next poll', 10_000);
      expect(delivery.json.data.event).toMatchObject({ action: 'team.created', target: { type: 'team', id: team.body.id } });
    } finally {
      await patient.close();
    }
  });

  it('delivers each event once per endpoint, in order, with two instances on one database', async () => {
    second = await createTestApp({ database, env: FAST });
    const endpoints = await Promise.all(['/pair-a', '/pair-b', '/pair-c'].map((path, i) => register(path, ['team.*'], i === 1 ? second : t)));
    const seqs: number[] = [];
    for (let i = 0; i < 12; i++) seqs.push(await changeSomething(i % 2 ? second : t));
    for (const path of ['/pair-a', '/pair-b', '/pair-c']) {
      await eventually(() => receiver.at(path).length >= seqs.length, `${path} to receive every event`);
    }
    await sleep(300);
    for (const path of ['/pair-a', '/pair-b', '/pair-c']) expect(receiver.at(path).map((r) => r.json.data.seq)).toEqual(seqs);
    const instances = new Set<string>();
    for (const { id } of endpoints) for (const attempt of await deliveries(id)) instances.add(attempt.instance);
    expect([...instances].every((name) => [t, second!].some((app) => app.app.get(WebhookDeliveryWorker).instance === name))).toBe(true);
    for (const { id } of endpoints) await disable(id);
  });

  it('sends again from the other instance when the one delivering stops mid-delivery (its lease runs out): at least once', async () => {
    if (!second) second = await createTestApp({ database, env: FAST });
    receiver.on('/crash', (count) => (count === 1 ? 'hang' : 200));
    const { id } = await register('/crash', ['team.*']);
    const seq = await changeSomething();
    await eventually(() => receiver.at('/crash').length === 1, 'the first attempt in flight');
    const [{ leased_by: holder }] = await t.dataSource.query('SELECT leased_by FROM webhook_endpoints WHERE id = $1', [id]);
    const stopping = [t, second].find((app) => app.app.get(WebhookDeliveryWorker).instance === holder)!;
    const surviving = stopping === t ? second : t;
    expect(stopping).toBeDefined();
    // Stopping cuts the request short and writes nothing: as after kill -9, the endpoint stays leased until the lease runs out
    // (the receiver's timeout, 1.5 s, has not fired: no attempt is recorded before the stop).
    await stopping.app.close();
    // The spec's teardown closes only the survivor (as t).
    t = surviving;
    second = undefined;
    const got = await eventually(() => (receiver.at('/crash').length >= 2 ? receiver.at('/crash') : undefined), 'the delivery sent again by the other instance');
    expect(got.map((r) => r.json.data.seq)).toEqual([seq, seq]);
    expect(got[1].headers['webhook-id']).toBe(got[0].headers['webhook-id']);
    // Read from the table: Passport's strategies are process-wide, and the closed app's may be the ones registered.
    // The receiver answered; the outcome is recorded just after.
    const attempts = await eventually(async () => {
      const rows = await surviving.dataSource.query('SELECT seq, status_code, instance FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY id', [id]);
      return rows.length ? rows : undefined;
    }, 'the attempt recorded');
    expect(attempts).toEqual([{ seq: String(seq), status_code: 200, instance: surviving.app.get(WebhookDeliveryWorker).instance }]);
  });
});

describe('signed webhooks after kill -9', () => {
  /**
   * The built service (dist/, from npm test's build) in a process of its own,
   * killed with SIGKILL while a receiver holds its request open: nothing runs
   * at its end, the lease it holds simply runs out, and an instance started
   * afterwards on the same database sends the event again.
   */
  it('sends the event again, with the same webhook-id, from an instance started after the one delivering was killed', async () => {
    if (!existsSync(BUILT_MAIN)) throw new Error(`${BUILT_MAIN} is missing: run "npm run build" (npm test does) first.`);
    const receiver = new Receiver();
    await receiver.start();
    const database = await createTestDatabase();
    let survivor: TestApp | undefined;
    const child = spawn(process.execPath, [BUILT_MAIN], {
      env: {
        ...process.env, ...FAST, NODE_ENV: 'test', LOG_LEVEL: 'info', PORT: '0', DATABASE_URL: database.url,
        GATEHOUSE_ADMIN_EMAIL: TEST_ADMIN.email, GATEHOUSE_ADMIN_PASSWORD: TEST_ADMIN.password, GATEHOUSE_JWT_SECRET: TEST_JWT_SECRET,
        GATEHOUSE_AUDIT_SIGNING_KEY: TEST_SIGNING_KEY_PEM,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      const base = `http://127.0.0.1:${await waitUntilReady(child, () => output, 45_000)}`;
      const call = async (method: string, path: string, body: object, token?: string) => {
        const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', ...(token ? bearer(token) : {}) }, body: JSON.stringify(body) });
        return { status: res.status, body: (await res.json()) as Record<string, string> };
      };
      const { body: signedIn } = await call('POST', '/api/auth/login', TEST_ADMIN);
      receiver.on('/killed', (count) => (count === 1 ? 'hang' : 200));
      const created = await call('POST', '/api/webhooks', { url: `${receiver.base}/killed`, eventTypes: ['team.created'] }, signedIn.accessToken);
      expect(created.status).toBe(201);
      expect((await call('POST', '/api/teams', { name: 'killed mid-delivery' }, signedIn.accessToken)).status).toBe(201);
      const [first] = await eventually(() => (receiver.at('/killed').length ? receiver.at('/killed') : undefined), 'the first attempt in flight');
      child.kill('SIGKILL');
      await exited;
      // Nothing was recorded by the killed process: the endpoint is still leased to it.
      const [leased] = await withClient(database.url, async (owner) => (await owner.query('SELECT leased_by, cursor_seq FROM webhook_endpoints WHERE id = $1', [created.body.id])).rows);
      expect(leased.leased_by).toMatch(new RegExp(`:${child.pid}:`));
      expect(Number(leased.cursor_seq)).toBeLessThan(first.json.data.seq);

      survivor = await createTestApp({ database, env: FAST });
      const got = await eventually(() => (receiver.at('/killed').length >= 2 ? receiver.at('/killed') : undefined), 'the event sent again after the lease ran out');
      expect(got[1].json.data.seq).toBe(first.json.data.seq);
      expect(got[1].headers['webhook-id']).toBe(first.headers['webhook-id']);
      expect(new Webhook(created.body.secret).verify(got[1].body, got[1].headers)).toEqual(got[1].json);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      await survivor?.close();
      await receiver.stop();
      await database.drop();
    }
  });
});
