import { Logger } from '@nestjs/common';
import { Agent } from 'node:http';
import { AuditReader } from '@app/audit';
import { createTestApp, TestApp } from './support';
import { FuzzCase, generateCases } from './support/fuzz/case-generator';
import { DatabaseSnapshots } from './support/fuzz/db-snapshot';
import { FuzzWorld, givenFuzzWorld } from './support/fuzz/fuzz-world';
import { summarize } from './support/fuzz/json-text';
import { OpenApiDocument, operationsOf } from './support/fuzz/openapi';
import { parseSeed, Prng } from './support/fuzz/prng';
import { byRoute, describeRequest, Finding, formatFindings, histogram, judge, writeReport } from './support/fuzz/report';
import { FuzzResult, pool, send } from './support/fuzz/runner';

/**
 * Thousands of bounded requests generated from the OpenAPI document, over
 * every path and method, as callers who can reach the route and as callers
 * who cannot: hostile path ids, query values, bodies (types, nulls, sizes,
 * nesting, unicode, numbers at the edges, SQL, prototype keys, duplicate
 * keys), content types, encodings, and broken multipart uploads. No answer
 * may be a 5xx or missing, every refusal is problem+json, a refused request
 * writes nothing, and the service is alive with its audit chain intact at
 * the end. Reproduce a run with FUZZ_SEED; size it with FUZZ_REQUESTS;
 * send only some cases of a run again with FUZZ_ONLY=<index>,<index>
 * (FUZZ_CONCURRENCY=1 sends one at a time).
 */
const SEED = parseSeed(process.env.FUZZ_SEED, 20_251_126);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 4000);
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 4);
const REPLAYS = Number(process.env.FUZZ_REPLAYS ?? 300);
const ONLY = process.env.FUZZ_ONLY ? new Set(process.env.FUZZ_ONLY.split(',').map(Number)) : undefined;
// A request with no answer by then is a hang. Generous: on two cores the other Jest worker may be streaming
// 80 MB or hashing passwords beside this one, and a busy moment is not a hang; a stuck request never answers.
const TIMEOUT_MS = 15_000;

describe(`fuzz (seed ${SEED}, FUZZ_SEED=${SEED} to repeat)`, () => {
  let t: TestApp;
  let port: number;
  let agent: Agent;
  let world: FuzzWorld;
  let cases: FuzzCase[];
  let snapshots: DatabaseSnapshots;
  const results: FuzzResult[] = [];
  const findings: Finding[] = [];
  /** Error id → the error the server logged for it; and errors logged without one. */
  const serverErrors = new Map<string, string>();
  const otherServerErrors: string[] = [];
  const crashes: string[] = [];
  const inFlight = new Set<FuzzCase>();
  /**
   * What would have ended a real process (an uncaught exception: an 'error'
   * event nobody listens to, a throw in a callback), recorded with the
   * requests in flight. Jest's sandboxed `process` never sees these events,
   * so the capture callback, which the real process calls first, takes them.
   */
  const onCrash = (error: unknown) => {
    crashes.push(`${describeError(error)} while in flight: ${[...inFlight].map((c) => `#${c.index} ${c.method} ${summarize(c.path, 120)} as ${c.principal} [${c.label}]`).join(' ; ')}`);
  };
  /** Times the event loop stood still for a second or more, with what was in flight: the blocking request is among them. */
  const stalls: string[] = [];
  let stallTimer: NodeJS.Timeout | undefined;
  const watchForStalls = () => {
    let last = Date.now();
    stallTimer = setInterval(() => {
      const now = Date.now();
      if (now - last > 1_100) stalls.push(`event loop blocked ${now - last - 100} ms with in flight: ${[...inFlight].map((c) => `#${c.index} ${c.method} ${c.route} [${summarize(c.label, 100)}]`).join(' ; ')}`);
      last = now;
    }, 100);
  };
  const started = Date.now();

  beforeAll(async () => {
    const logError = Logger.prototype.error;
    jest.spyOn(Logger.prototype, 'error').mockImplementation(function (this: Logger, ...args: unknown[]) {
      const [first] = args as [{ err?: unknown; errorId?: string } | string];
      if (typeof first === 'object' && first?.errorId) serverErrors.set(first.errorId, describeError(first.err));
      else otherServerErrors.push(typeof first === 'object' ? `${String(args[1])}: ${describeError(first?.err ?? first)}` : String(first));
      return logError.apply(this, args as Parameters<Logger['error']>);
    });
    process.setUncaughtExceptionCaptureCallback(onCrash);

    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as { port: number }).port;
    agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY + 2 });
    world = await givenFuzzWorld(t);
    snapshots = await DatabaseSnapshots.connect(t.database.url);
    const document = (await t.http().get('/api/docs-json').expect(200)).body as OpenApiDocument;
    cases = generateCases(operationsOf(document), world, new Prng(SEED), REQUESTS).filter((c) => !ONLY || ONLY.has(c.index));
  }, 120_000);

  afterAll(async () => {
    process.setUncaughtExceptionCaptureCallback(null);
    clearInterval(stallTimer);
    jest.restoreAllMocks();
    agent?.destroy();
    await snapshots?.close();
    await t?.close();
  });

  const run = async (fuzzCase: FuzzCase) => {
    inFlight.add(fuzzCase);
    const result = await send(port, agent, fuzzCase, TIMEOUT_MS);
    inFlight.delete(fuzzCase);
    return result;
  };

  it('answers every request in time, never with a 5xx, and every refusal as problem+json', async () => {
    const fuzzStarted = Date.now();
    watchForStalls();
    results.push(...(await pool(cases, CONCURRENCY, run)));
    clearInterval(stallTimer);
    const seconds = (Date.now() - fuzzStarted) / 1000;
    for (const result of results) {
      const finding = judge(result, serverErrors);
      if (finding) findings.push(finding);
    }
    const routes = new Set(cases.map((c) => c.route));
    console.log(
      `fuzz: seed ${SEED}, ${results.length} requests over ${routes.size} routes in ${seconds.toFixed(1)} s (concurrency ${CONCURRENCY}); ` +
        `status histogram ${JSON.stringify(histogram(results))}`,
    );
    if (stalls.length) console.log(`fuzz: the event loop stood still ${stalls.length} times:\n${stalls.join('\n')}`);
    const problems = [
      ...crashes.map((crash) => `• the process would have died: ${crash}`),
      formatFindings(findings),
    ].filter(Boolean);
    expect(problems.join('\n')).toBe('');
  }, 300_000);

  it('writes nothing for a request it refuses (refused writes replayed one at a time)', async () => {
    const prng = new Prng(SEED).fork('replay');
    const refused = results.filter((r) => r.status >= 400 && r.status < 500 && !['GET', 'HEAD', 'OPTIONS'].includes(r.fuzzCase.method));
    const chosen = refused.map((r) => [prng.next(), r] as const).sort(([a], [b]) => a - b).slice(0, REPLAYS).map(([, r]) => r.fuzzCase).sort((a, b) => a.index - b.index);
    const partial: string[] = [];
    let replayed = 0;
    let snapshotMs = 0;
    const snapshot = async () => {
      const start = Date.now();
      const taken = await snapshots.take();
      snapshotMs += Date.now() - start;
      return taken;
    };
    let before = await snapshot();
    for (const fuzzCase of chosen) {
      const result = await run(fuzzCase);
      const after = await snapshot();
      if (result.status >= 400 && result.status < 500) {
        replayed++;
        const changed = DatabaseSnapshots.diff(before, after);
        if (changed.length) partial.push(`• ${result.status} yet wrote ${changed.join(', ')}\n    ${describeRequest(result)}`);
      }
      const finding = judge(result, serverErrors);
      if (finding) findings.push(finding);
      before = after;
    }
    console.log(`fuzz: ${replayed} refused writes replayed one at a time (of ${chosen.length} chosen; ${snapshotMs} ms in snapshots); ${partial.length} wrote something`);
    expect(partial.join('\n')).toBe('');
  }, 120_000);

  it('serves every evidence file it accepted', async () => {
    const downloads: FuzzResult[] = [];
    for (const useCaseId of world.useCaseIds) {
      const list = await t.http().get(`/api/use-cases/${useCaseId}/evidence`).set(world.readerHeaders).expect(200);
      for (const item of list.body as { id: string; source: string }[]) {
        if (item.source !== 'file') continue;
        downloads.push(await run({ index: -1, route: 'GET /api/use-cases/:id/evidence/:evidenceId/content', method: 'GET', path: `/api/use-cases/${useCaseId}/evidence/${item.id}/content`, principal: 'admin', headers: world.readerHeaders, label: 'download sweep' }));
      }
    }
    const failed = downloads.map((result) => judge(result, serverErrors)).filter((finding): finding is Finding => finding !== undefined);
    findings.push(...failed);
    console.log(`fuzz: downloaded ${downloads.length} evidence files; ${failed.length} failed`);
    expect(formatFindings(failed)).toBe('');
  }, 60_000);

  it('is alive and ready afterwards, with its audit chain intact', async () => {
    const live = await run({ index: -1, route: 'GET /health/live', method: 'GET', path: '/health/live', principal: 'anonymous', headers: {}, label: 'after the fuzz' });
    const ready = await run({ index: -1, route: 'GET /health/ready', method: 'GET', path: '/health/ready', principal: 'anonymous', headers: {}, label: 'after the fuzz' });
    const chain = await t.app.get(AuditReader).verify({}, { record: false });
    const elapsed = ((Date.now() - started) / 1000).toFixed(1);
    const file = writeReport(SEED, { requests: results.length, histogram: histogram(results), byRoute: byRoute(results), elapsedSeconds: Number(elapsed), crashes, stalls, otherServerErrors }, findings, results);
    console.log(`fuzz: ${findings.length} findings, ${crashes.length} crashes, ${otherServerErrors.length} other logged errors; ${elapsed} s in all; report: ${file}`);
    expect({ live: live.status, ready: ready.status, intact: chain.intact, crashes }).toEqual({ live: 200, ready: 200, intact: true, crashes: [] });
  }, 60_000);
});

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: string }).code ?? (error as { driverError?: { code?: string } }).driverError?.code;
  const frame = error.stack?.split('\n').find((line) => /apps\/|libs\//.test(line))?.trim();
  return `${error.name}${code ? ` ${code}` : ''}: ${error.message.split('\n')[0].slice(0, 300)}${frame ? ` (${frame})` : ''}`;
}
