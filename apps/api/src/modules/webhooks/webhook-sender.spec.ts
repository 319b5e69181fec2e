import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { sendWebhook } from './webhook-sender';

/** A receiver on 127.0.0.1 that answers as `handler` says and notes the Host it was asked for. */
async function receiver(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const hosts: string[] = [];
  const server: Server = createServer((req, res) => {
    hosts.push(req.headers.host ?? '');
    req.resume();
    req.on('end', () => handler(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { port, hosts, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

const HEADERS = { 'content-type': 'application/json' };

describe('sending one webhook', () => {
  it('connects to the address that was checked, whatever the name would resolve to now (no second lookup: no DNS rebinding)', async () => {
    const local = await receiver((_req, res) => res.writeHead(204).end());
    try {
      // .invalid never resolves: the request can only have reached the receiver through the pinned address.
      const url = new URL(`http://rebound.invalid:${local.port}/hook`);
      const outcome = await sendWebhook({ url, address: '127.0.0.1', family: 4 }, HEADERS, '{}', 2000);
      expect(outcome).toMatchObject({ statusCode: 204, succeeded: true, error: null });
      expect(local.hosts).toEqual([`rebound.invalid:${local.port}`]);
    } finally {
      await local.close();
    }
  });

  it('follows no redirect: a 3xx is a failure', async () => {
    const local = await receiver((_req, res) => res.writeHead(302, { location: 'http://169.254.169.254/' }).end());
    try {
      const outcome = await sendWebhook({ url: new URL(`http://127.0.0.1:${local.port}/`), address: '127.0.0.1', family: 4 }, HEADERS, '{}', 2000);
      expect(outcome).toMatchObject({ statusCode: 302, succeeded: false, error: 'answered 302' });
      expect(local.hosts).toHaveLength(1);
    } finally {
      await local.close();
    }
  });

  it('reads a few KB of an answer at most, and gives up on one that takes longer than the timeout', async () => {
    let endless: NodeJS.Timeout | undefined;
    const chatty = await receiver((_req, res) => {
      res.writeHead(200);
      // An answer that never ends: only its first KB are read, then the connection is dropped.
      endless = setInterval(() => res.write(Buffer.alloc(16 * 1024, 120)), 5);
    });
    try {
      const outcome = await sendWebhook({ url: new URL(`http://127.0.0.1:${chatty.port}/`), address: '127.0.0.1', family: 4 }, HEADERS, '{}', 5000);
      expect(outcome).toMatchObject({ statusCode: 200, succeeded: true });
      expect(outcome.durationMs).toBeLessThan(2000);
    } finally {
      clearInterval(endless);
      await chatty.close();
    }
    const silent = await receiver(() => undefined);
    try {
      const outcome = await sendWebhook({ url: new URL(`http://127.0.0.1:${silent.port}/`), address: '127.0.0.1', family: 4 }, HEADERS, '{}', 300);
      expect(outcome).toMatchObject({ statusCode: null, succeeded: false, error: 'no answer within 300 ms' });
    } finally {
      await silent.close();
    }
  });

  it('says why a connection failed', async () => {
    const closed = await receiver(() => undefined);
    await closed.close();
    const outcome = await sendWebhook({ url: new URL(`http://127.0.0.1:${closed.port}/`), address: '127.0.0.1', family: 4 }, HEADERS, '{}', 2000);
    expect(outcome).toMatchObject({ statusCode: null, succeeded: false, error: expect.stringMatching(/^ECONNREFUSED/) });
  });
});
