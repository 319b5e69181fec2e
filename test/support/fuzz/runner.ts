import { Agent, request } from 'node:http';
import { FuzzCase } from './case-generator';

export interface FuzzResult {
  fuzzCase: FuzzCase;
  /** HTTP status, or 0 when no answer came. */
  status: number;
  contentType?: string;
  /** The answer, up to 8 MB. */
  body: string;
  /** The answer's whole length in bytes. */
  size: number;
  ms: number;
  /** Why there is no answer: 'timeout' (a hang) or the socket error. */
  error?: string;
}

const KEEP = 8 * 1024 * 1024;

/**
 * Sends one case over a real socket, exactly as generated (raw bytes, a
 * Content-Length of the bytes sent), and waits at most `timeoutMs` for the
 * whole answer.
 */
export function send(port: number, agent: Agent, fuzzCase: FuzzCase, timeoutMs: number): Promise<FuzzResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<FuzzResult, 'fuzzCase' | 'ms'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ fuzzCase, ms: Date.now() - started, ...result });
    };
    const headers: Record<string, string | number> = { ...fuzzCase.headers };
    if (fuzzCase.body) headers['Content-Length'] = fuzzCase.body.length;
    let req: ReturnType<typeof request>;
    try {
      req = request({ host: '127.0.0.1', port, method: fuzzCase.method, path: fuzzCase.path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          if (kept < KEEP) chunks.push(chunk);
          kept += chunk.length;
        });
        const answered = () => ({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body: Buffer.concat(chunks).subarray(0, KEEP).toString('utf8'), size: kept });
        res.on('end', () => finish(answered()));
        res.on('error', (error) => finish({ ...answered(), error: `answer cut off: ${error.message}` }));
        res.on('aborted', () => finish({ ...answered(), error: 'answer cut off' }));
      });
    } catch (error) {
      // The client refused to send it (a header Node will not write): not the server's doing.
      return resolve({ fuzzCase, ms: 0, status: -1, body: '', size: 0, error: `not sent: ${(error as Error).message}` });
    }
    const timer = setTimeout(() => {
      finish({ status: 0, body: '', size: 0, error: `no answer within ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (error) => finish({ status: 0, body: '', size: 0, error: `${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}`.trim() }));
    req.end(fuzzCase.body);
  });
}

/** Runs `work` over `items` with at most `concurrency` at a time, in order of start. */
export async function pool<T, R>(items: T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
