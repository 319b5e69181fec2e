import { STATUS_CODES, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_CONTENT_TYPE } from '@app/errors';

/** What Node's HTTP parser refuses before any handler runs, and how it is answered. */
const PARSER_REFUSALS: Record<string, { status: number; code: string; detail: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, code: 'headers-too-large', detail: 'The request line and headers together exceed 16 KB; shorten the URL or the headers.' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'request-timeout', detail: 'The request did not arrive in time.' },
};

/**
 * Requests so malformed that Node's HTTP parser refuses them (a URL longer
 * than the header limit, broken framing) never reach Express. Node would
 * answer them with a bare status line; this answers them in problem+json like
 * everything else, then closes the connection, whose framing can no longer be
 * trusted.
 */
export function answerClientErrorsAsProblems(server: Server) {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const refusal = PARSER_REFUSALS[error.code ?? ''] ?? { status: 400, code: 'malformed-request', detail: 'The request could not be parsed as HTTP.' };
    const instance = requestPath((error as { rawPacket?: Buffer }).rawPacket);
    const body = JSON.stringify({ type: `urn:gatehouse:problem:${refusal.code}`, title: STATUS_CODES[refusal.status], status: refusal.status, detail: refusal.detail, instance });
    socket.end(
      `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

/** The path of the request line, as far as the parser got (at most 200 characters), or `/` when it did not get that far. */
function requestPath(rawPacket: Buffer | undefined): string {
  const path = /^[A-Z]+ (\/[^ ?#]*)/.exec(rawPacket?.subarray(0, 256).toString('latin1') ?? '')?.[1];
  return path ? path.slice(0, 200) : '/';
}
