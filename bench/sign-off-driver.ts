/**
 * The sign-off benchmark's load, in a process of its own (forked by
 * sign-off.bench.ts), so the client's work does not share the service's event
 * loop. Each client is one keep-alive connection that posts sign-offs one
 * after another, each on the next review of its queue (fresh), or always on
 * its one review (resign). Latencies of requests started inside the measured
 * window go back to the parent over IPC; the warm-up before it is not counted.
 */
import * as http from 'node:http';

export interface DriverClient {
  token: string;
  /** Fresh: the reviews this client decides on, in order (each once). Resign: one review, decided on again and again. */
  reviewIds: string[];
  revision: number;
}

export interface DriverJob {
  port: number;
  mode: 'fresh' | 'resign';
  warmupSeconds: number;
  seconds: number;
  clients: DriverClient[];
}

export interface DriverResult {
  /** Milliseconds, one per request started inside the measured window and answered 201. */
  latencies: number[];
  /** Clients that ran out of fresh reviews before the end, and when the first did (seconds into the measured window). */
  exhausted: number;
  firstExhaustedAt: number | null;
  errors: number;
  firstError: string | null;
  /** Every request answered, warm-up and tail included: what the service's CPU time is divided by. */
  answered: number;
}

async function drive(job: DriverJob): Promise<DriverResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.clients.length, maxFreeSockets: job.clients.length });
  const latencies: number[] = [];
  const result: DriverResult = { latencies, exhausted: 0, firstExhaustedAt: null, errors: 0, firstError: null, answered: 0 };
  const now = () => performance.now();
  const measureFrom = now() + job.warmupSeconds * 1000;
  const deadline = measureFrom + job.seconds * 1000;

  await Promise.all(
    job.clients.map(async (client) => {
      const body = JSON.stringify({ role: 'developer', decision: 'approve', comment: 'looks right', revision: client.revision });
      let next = 0;
      while (now() < deadline) {
        if (job.mode === 'fresh' && next >= client.reviewIds.length) {
          result.exhausted += 1;
          const at = Math.max(0, (now() - measureFrom) / 1000);
          result.firstExhaustedAt = Math.min(result.firstExhaustedAt ?? at, at);
          return;
        }
        const reviewId = client.reviewIds[job.mode === 'fresh' ? next++ : 0];
        const started = now();
        const answer = await post(agent, job.port, `/api/reviews/${reviewId}/sign-offs`, client.token, body);
        const took = now() - started;
        result.answered += 1;
        if (answer.status !== 201) {
          result.errors += 1;
          result.firstError ??= `${answer.status} ${answer.body.slice(0, 500)}`;
        } else if (started >= measureFrom && started < deadline) {
          latencies.push(took);
        }
      }
    }),
  );
  agent.destroy();
  return result;
}

function post(agent: http.Agent, port: number, path: string, token: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

process.once('message', (job: DriverJob) => {
  drive(job).then(
    (result) => process.send!(result, () => process.exit(0)),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
});
