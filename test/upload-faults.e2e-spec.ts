import { randomBytes } from 'node:crypto';
import { connect, Socket } from 'node:net';
import { bearer, createTestApp, givenTeam, givenUseCase, givenUser, TestApp, TestUser } from './support';

/**
 * Uploads a client can break: cut short, abandoned half-way, sent one byte at
 * a time. None may end the process, hold a lock or a pooled connection while
 * the client dawdles, or leave bytes behind.
 */
describe('uploads a client can break', () => {
  let t: TestApp;
  let port: number;
  let developer: TestUser;
  let useCaseId: string;
  const IDLE_TIMEOUT_MS = 1_500;

  beforeAll(async () => {
    t = await createTestApp({ env: { GATEHOUSE_UPLOAD_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS) } });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as { port: number }).port;
    const team = await givenTeam(t);
    developer = await givenUser(t, { teams: [{ teamId: team.id, role: 'developer' }] });
    useCaseId = (await givenUseCase(t, developer.token, team.id)).id;
  });
  afterAll(() => t.close());

  /** The head of a multipart upload to the use case, up to the first bytes of the file part. */
  const uploadHead = (boundary: string, contentLength?: number) => {
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\ntest_report\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nreport\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\n`;
    const headers = [
      `POST /api/use-cases/${useCaseId}/evidence HTTP/1.1`,
      'Host: 127.0.0.1',
      `Authorization: Bearer ${developer.token}`,
      `Content-Type: multipart/form-data; boundary=${boundary}`,
      contentLength === undefined ? 'Transfer-Encoding: chunked' : `Content-Length: ${contentLength}`,
      'Connection: close',
    ];
    return { head: `${headers.join('\r\n')}\r\n\r\n`, body };
  };

  const rawClient = () =>
    new Promise<Socket>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(socket));
      socket.on('error', reject);
    });

  const answerOf = (socket: Socket) =>
    new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString('latin1')));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });

  const staged = async () => (await t.dataSource.query('SELECT count(*)::int AS n FROM evidence_upload_chunks'))[0].n as number;
  const evidenceCount = async () => (await t.dataSource.query('SELECT count(*)::int AS n FROM evidence WHERE use_case_id = $1', [useCaseId]))[0].n as number;
  // A transaction held open while waiting on the client stays idle for as long as the client pauses; a chunk's own
  // short transaction is idle only between its statements (BEGIN, INSERT, COMMIT), which a busy machine can stretch a little.
  const idleInTransaction = async () =>
    (await t.dataSource.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'
         AND now() - state_change > interval '500 milliseconds' AND pid <> pg_backend_pid()`,
    ))[0].n as number;
  const eventually = async (check: () => Promise<boolean>, ms = 10_000) => {
    const until = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > until) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const stillServing = async () => {
    await t.http().get('/health/ready').expect(200);
    await t.http().get(`/api/use-cases/${useCaseId}`).set(bearer(developer.token)).expect(200);
  };

  it('a form cut short (no closing boundary) is a 4xx, the process lives on, and nothing is kept', async () => {
    const before = await evidenceCount();
    const { head, body } = uploadHead('cut');
    const text = `${body}hello`;
    const socket = await rawClient();
    const answer = answerOf(socket);
    socket.write(`${head.replace('Transfer-Encoding: chunked', `Content-Length: ${Buffer.byteLength(text)}`)}${text}`);
    const response = await answer;
    expect(response).toMatch(/^HTTP\/1\.1 4\d\d /);
    expect(response).toMatch(/application\/problem\+json/);
    await stillServing();
    expect(await evidenceCount()).toBe(before);
    await eventually(async () => (await staged()) === 0);
  });

  it('ten clients that send 300 KB and hang up hold nothing: no lock, no connection, no bytes', async () => {
    const before = await evidenceCount();
    await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const { head, body } = uploadHead(`gone${i}`, 10_000_000);
        const socket = await rawClient();
        socket.write(head + body);
        socket.write(randomBytes(300 * 1024));
        await new Promise((resolve) => setTimeout(resolve, 200));
        socket.destroy();
      }),
    );
    await stillServing();
    await eventually(async () => (await staged()) === 0 && (await idleInTransaction()) === 0);
    expect(await evidenceCount()).toBe(before);
  });

  it('a slow client holds no lock while it sends, and is ended once it goes quiet', async () => {
    const { head, body } = uploadHead('slow', 1_000_000);
    const socket = await rawClient();
    const answer = answerOf(socket);
    socket.write(head + body);
    socket.write(randomBytes(512 * 1024));
    // While the upload is open, the use case can be changed at once: nothing locks it.
    const started = Date.now();
    await t.http().patch(`/api/use-cases/${useCaseId}`).set(bearer(developer.token)).send({ businessProblem: `edited during an upload ${started}` }).expect(200);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await idleInTransaction()).toBe(0);
    // Then it goes quiet past the idle timeout: the upload is ended and its bytes discarded.
    await answer;
    await eventually(async () => (await staged()) === 0);
    await stillServing();
  });

  it('a body that arrives after its headers (as a browser sends it) is stored, and its event names who uploaded it', async () => {
    // The file part is parsed from data that comes in after the request's handler ran: the
    // request's context (who acts, for the audit event) must reach the store from there too.
    const before = await evidenceCount();
    const { head, body } = uploadHead('later');
    const rest = `${body}${'late bytes\n'.repeat(1000)}\r\n--later--\r\n`;
    const socket = await rawClient();
    const answer = answerOf(socket);
    socket.write(head.replace('Transfer-Encoding: chunked', `Content-Length: ${Buffer.byteLength(rest)}`));
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.write(rest);
    const response = await answer;
    expect(response).toMatch(/^HTTP\/1\.1 201 /);
    const created = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as { id: string };
    expect(await evidenceCount()).toBe(before + 1);
    const [event] = await t.dataSource.query(
      `SELECT actor_id FROM audit_events WHERE action = 'evidence.attached' AND payload->>'evidenceId' = $1
       UNION ALL SELECT actor_id FROM audit_pending WHERE action = 'evidence.attached' AND payload->>'evidenceId' = $1`,
      [created.id],
    );
    expect(event?.actor_id).toBe(developer.id);
  });

  it('an honest upload still arrives whole', async () => {
    const before = await evidenceCount();
    const res = await t.http().post(`/api/use-cases/${useCaseId}/evidence`).set(bearer(developer.token))
      .field('kind', 'test_report').field('title', 'whole').attach('file', randomBytes(600 * 1024), 'whole.bin').expect(201);
    expect(res.body).toMatchObject({ sizeBytes: 600 * 1024 });
    expect(await evidenceCount()).toBe(before + 1);
    // Nothing stays staged (an earlier test's abandoned upload may still be being discarded).
    await eventually(async () => (await staged()) === 0);
  });
});
