import { DomainError } from './domain-error';

/** Seconds a client is asked to wait before retrying when Gatehouse is under pressure or its database is away. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * The service cannot answer right now, through no fault of the request: the
 * connection pool is exhausted, the database is down or restarting, a
 * statement ran out of time, or a transaction lost a serialization race. The
 * answer is 503 with Retry-After, never 401 or 500: the request may well
 * succeed a few seconds later, and a valid credential is still valid.
 */
export class ServiceUnavailableError extends DomainError {
  readonly code = 'service-unavailable';
  readonly status = 503;
  readonly title = 'Service unavailable';

  constructor(detail = 'Gatehouse is under pressure or cannot reach its database right now. Retry in a few seconds.') {
    super(detail, { retryAfterSeconds: RETRY_AFTER_SECONDS });
  }
}

/** SQLSTATE classes and codes that say "not now" rather than "not this request". */
const TRANSIENT_SQLSTATES = new Set([
  '57014', // query_canceled: statement_timeout
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down)
  '53300', // too_many_connections
  '53400', // configuration_limit_exceeded
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available: lock_timeout
  '25P03', // idle_in_transaction_session_timeout
]);

/** Network errors of a lost or refused connection. */
const TRANSIENT_NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

/** node-postgres says these in words, not codes. */
const TRANSIENT_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /Connection terminated/i,
  /Client has encountered a connection error/i,
  /Client was closed and is not queryable/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /Cannot use a pool after calling end/i,
  /sorry, too many clients already/i,
];

/** Is this failure the database being unreachable or overloaded, rather than a bug or a bad request? */
export function isTransientDatabaseFailure(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    const candidate = current as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string' && (TRANSIENT_SQLSTATES.has(candidate.code) || candidate.code.startsWith('08') || TRANSIENT_NETWORK_CODES.has(candidate.code))) {
      return true;
    }
    if (typeof candidate.message === 'string' && TRANSIENT_MESSAGES.some((pattern) => pattern.test(candidate.message as string))) return true;
    current = candidate.driverError ?? candidate.cause;
  }
  return false;
}
