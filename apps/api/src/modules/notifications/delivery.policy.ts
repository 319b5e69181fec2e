/**
 * What becomes of a notification's email after an attempt to send it did not
 * succeed. The rule is "at most once": a message is tried again only when the
 * mail server cannot have taken it.
 *
 * - The server answered with a refusal (an SMTP reply code): it did not take
 *   the message. 4xx is temporary: try again later, with exponential backoff,
 *   until the attempts run out. 5xx is permanent (no such mailbox, policy):
 *   retrying cannot help, so the email has failed.
 * - No reply, and the connection was never made (refused, unreachable, DNS,
 *   no greeting, TLS at connect): nothing was handed over; try again like a
 *   temporary refusal.
 * - No reply, on a connection that was made (it dropped or timed out later):
 *   the server may have the message. Sending it again could deliver it twice,
 *   so it is 'uncertain'. nodemailer names the command 'CONN' for any lost
 *   connection, whatever the stage, so the stage is told from the error's own
 *   cause (the system error, or which timeout ran out), never from `command`.
 */

/** What nodemailer tells about a failed send (its Error's own fields). */
export interface SendError {
  message: string;
  code?: string;
  responseCode?: number;
  /** The SMTP command in flight: 'RCPT TO', 'DATA', …; 'CONN' for any connection trouble, at any stage. */
  command?: string;
  /** The system error under a socket error (ECONNREFUSED, ECONNRESET, …). */
  originalCode?: string;
  /** Which of nodemailer's timers ran out: CONNECT_TIMEOUT, GREETING_TIMEOUT, SOCKET_TIMEOUT, … */
  timeoutType?: string;
}

export type AfterFailure = { state: 'pending'; retryInMs: number } | { state: 'failed' } | { state: 'uncertain' };

/** The longest wait between two attempts. */
export const MAX_BACKOFF_MS = 3_600_000;

/** Before the attempt numbered `attempts + 1`: base, 2 × base, 4 × base, … at most an hour. */
export function backoffMs(attempts: number, baseMs: number): number {
  return Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempts - 1));
}

/** Errors that only happen before a connection exists, or before the server said hello: nothing can have been handed over. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL']);
const SETUP_TIMEOUTS = new Set(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT']);

function neverConnected(error: SendError): boolean {
  return error.code === 'EDNS' || NEVER_CONNECTED.has(error.originalCode ?? '') || SETUP_TIMEOUTS.has(error.timeoutType ?? '');
}

/** `attempts`: how many attempts were made, this one included. */
export function afterFailure(error: SendError, attempts: number, policy: { maxAttempts: number; retryBaseMs: number }): AfterFailure {
  const retry = (): AfterFailure => (attempts >= policy.maxAttempts ? { state: 'failed' } : { state: 'pending', retryInMs: backoffMs(attempts, policy.retryBaseMs) });
  if (error.responseCode) return error.responseCode >= 500 ? { state: 'failed' } : retry();
  if (neverConnected(error)) return retry();
  return { state: 'uncertain' };
}

/** What is kept of an error: the server's words or the connection's, never a stack, and short. */
export function describeSendError(error: SendError): string {
  const parts = [error.code, error.command ? `during ${error.command}` : undefined, error.message].filter(Boolean);
  return parts.join(' ').slice(0, 500);
}
