/**
 * What becomes of a notification's email after an attempt to send it did not
 * succeed. The rule is "at most once": a message is tried again only when the
 * mail server cannot have taken it.
 *
 * - The server answered with a refusal (an SMTP reply code): it did not take
 *   the message. 4xx is temporary: try again later, with exponential backoff,
 *   until the attempts run out. 5xx is permanent (no such mailbox, policy):
 *   retrying cannot help, so the email has failed.
 * - No reply, before the conversation began (connection refused, DNS, TLS at
 *   connect): nothing was handed over; try again like a temporary refusal.
 * - No reply, later on (the connection dropped or timed out while the message
 *   was on its way or its acceptance was awaited): the server may have the
 *   message. Sending it again could deliver it twice, so it is 'uncertain'.
 */

/** What nodemailer tells about a failed send (its Error's own fields). */
export interface SendError {
  message: string;
  code?: string;
  responseCode?: number;
  /** The SMTP command in flight: 'CONN' while connecting, 'RCPT TO', 'DATA', … */
  command?: string;
}

export type AfterFailure = { state: 'pending'; retryInMs: number } | { state: 'failed' } | { state: 'uncertain' };

/** The longest wait between two attempts. */
export const MAX_BACKOFF_MS = 3_600_000;

/** Before the attempt numbered `attempts + 1`: base, 2 × base, 4 × base, … at most an hour. */
export function backoffMs(attempts: number, baseMs: number): number {
  return Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempts - 1));
}

const BEFORE_ANY_COMMAND = new Set(['CONN', 'API']);
const CONNECTING_CODES = new Set(['ECONNECTION', 'EDNS', 'ETLS', 'ESOCKET', 'ETIMEDOUT', 'EPROXY']);

/** `attempts`: how many attempts were made, this one included. */
export function afterFailure(error: SendError, attempts: number, policy: { maxAttempts: number; retryBaseMs: number }): AfterFailure {
  const retry = (): AfterFailure => (attempts >= policy.maxAttempts ? { state: 'failed' } : { state: 'pending', retryInMs: backoffMs(attempts, policy.retryBaseMs) });
  if (error.responseCode) return error.responseCode >= 500 ? { state: 'failed' } : retry();
  if (error.command && BEFORE_ANY_COMMAND.has(error.command) && (!error.code || CONNECTING_CODES.has(error.code))) return retry();
  return { state: 'uncertain' };
}

/** What is kept of an error: the server's words or the connection's, never a stack, and short. */
export function describeSendError(error: SendError): string {
  const parts = [error.code, error.command ? `during ${error.command}` : undefined, error.message].filter(Boolean);
  return parts.join(' ').slice(0, 500);
}
