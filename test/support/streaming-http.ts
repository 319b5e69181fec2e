import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Sends a multipart upload whose file part is generated on the fly, so a test
 * can upload tens of megabytes without holding them in memory. Returns the
 * status, the parsed body, and the SHA-256 of the bytes sent.
 */
export function streamMultipartUpload(
  port: number,
  path: string,
  headers: Record<string, string>,
  fields: Record<string, string>,
  fileBytes: number,
): Promise<{ status: number; body: any; sha256: string }> {
  const boundary = `gatehouse-${randomBytes(8).toString('hex')}`;
  const hash = createHash('sha256');
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', headers: { ...headers, 'Content-Type': `multipart/form-data; boundary=${boundary}` } },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined, sha256: hash.digest('hex') }));
      },
    );
    req.on('error', reject);
    for (const [name, value] of Object.entries(fields)) {
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
    }
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
    let sent = 0;
    const writeMore = () => {
      while (sent < fileBytes) {
        const chunk = randomBytes(Math.min(256 * 1024, fileBytes - sent));
        sent += chunk.length;
        hash.update(chunk);
        if (!req.write(chunk)) return void req.once('drain', writeMore);
      }
      req.end(`\r\n--${boundary}--\r\n`);
    };
    writeMore();
  });
}

/** Downloads a body without keeping it: only its size and SHA-256. */
export function streamDownload(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; size: number; sha256: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers }, (res) => {
      const hash = createHash('sha256');
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        hash.update(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, size, sha256: hash.digest('hex') }));
    })
      .on('error', reject)
      .end();
  });
}

/**
 * Runs `work` while sampling the Buffer memory still in use — a full garbage
 * collection before each sample, so only what is held counts, not what awaits
 * collection — and returns the peak growth over the starting point.
 */
export async function peakHeldBufferGrowth<T>(work: () => Promise<T>): Promise<{ result: T; peakGrowthBytes: number }> {
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const baseline = process.memoryUsage().arrayBuffers;
  let peak = baseline;
  const sampler = setInterval(() => {
    gc();
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
  }, 250);
  try {
    const result = await work();
    return { result, peakGrowthBytes: peak - baseline };
  } finally {
    clearInterval(sampler);
  }
}
