import { request as httpRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { CheckedTarget } from './webhook-target';

export interface SendOutcome {
  /** The receiver's status, when it answered. */
  statusCode: number | null;
  /** Why there was no 2xx: no answer (timeout, refused connection), or the status. */
  error: string | null;
  succeeded: boolean;
  durationMs: number;
}

/** Of the receiver's answer, only this much is read: its status is what counts. */
const MAX_RESPONSE_BYTES = 4096;

/**
 * POSTs one delivery to the checked address, whatever the URL's host now
 * resolves to: the connection's lookup answers with that address alone (TLS
 * still verifies the certificate against the URL's host). Redirects are not
 * followed (a 3xx is a failure), at most a few KB of the answer are read, and
 * the whole exchange — connect, send, answer — ends after `timeoutMs`.
 * `signal` cuts it short (the service shutting down).
 */
export function sendWebhook(target: CheckedTarget, headers: Record<string, string>, body: string, timeoutMs: number, signal?: AbortSignal): Promise<SendOutcome> {
  const started = process.hrtime.bigint();
  const elapsed = () => Math.round(Number(process.hrtime.bigint() - started) / 1e6);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (statusCode: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const succeeded = statusCode !== null && statusCode >= 200 && statusCode < 300 && error === null;
      resolve({ statusCode, error: error ?? (succeeded ? null : `answered ${statusCode}`), succeeded, durationMs: elapsed() });
    };
    const pinned: LookupFunction = (_hostname, options, callback) => {
      const family = target.family;
      if ((options as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family }]);
      else (callback as (e: null, a: string, f: number) => void)(null, target.address, family);
    };
    const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(target.url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: pinned,
      agent: false,
      signal,
    });
    let answered: number | null = null;
    const timer = setTimeout(() => {
      // A status that came in time counts, even if the rest of the answer did not.
      finish(answered, answered === null ? `no answer within ${timeoutMs} ms` : null);
      request.destroy();
    }, timeoutMs);
    request.on('error', (error: Error & { code?: string }) => finish(null, signal?.aborted ? 'cut short: the service is shutting down' : `${error.code ?? 'error'}: ${error.message}`));
    request.on('response', (response: IncomingMessage) => {
      answered = response.statusCode ?? null;
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read >= MAX_RESPONSE_BYTES) {
          finish(response.statusCode ?? null, null);
          response.destroy();
        }
      });
      response.on('end', () => finish(response.statusCode ?? null, null));
      response.on('error', () => finish(response.statusCode ?? null, null));
      response.on('close', () => finish(response.statusCode ?? null, null));
    });
    request.end(body);
  });
}
