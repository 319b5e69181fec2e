import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { DomainError } from './domain-error';
import { isTransientDatabaseFailure, RETRY_AFTER_SECONDS, ServiceUnavailableError } from './service-unavailable';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  [extension: string]: unknown;
}

const problemType = (code: string) => `urn:gatehouse:problem:${code}`;

/**
 * Turns anything thrown while handling a request into RFC 9457 problem+json.
 * Known failures keep their message; anything else becomes a 500 carrying only
 * an error id, with the stack in the log and never in the response.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost) {
    const http = host.switchToHttp();
    this.respond(http.getRequest<Request>(), http.getResponse<Response>(), exception);
  }

  /**
   * Answers `exception` as problem+json for `request`. Also used by the body
   * parsing middleware, which runs before Nest's filters, so its 400, 413 and
   * 415 answers have the same shape, `instance` included.
   */
  respond(request: Request, response: Response, exception: unknown) {
    const problem = this.toProblem(exception);
    problem.instance = request.originalUrl?.split('?')[0];
    if (response.headersSent) {
      // A streamed response already started: all that is left is to cut it off.
      response.destroy();
      return;
    }
    if (problem.status === 503) response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  toProblem(exception: unknown): ProblemDetails {
    if (!(exception instanceof DomainError) && isTransientDatabaseFailure(exception)) {
      this.logger.warn({ err: exception }, 'database unavailable or overloaded: answered 503');
      exception = new ServiceUnavailableError();
    }
    if (exception instanceof DomainError) {
      return { ...exception.extensions, type: problemType(exception.code), title: exception.title, status: exception.status, detail: exception.detail };
    }
    const bodyParserProblem = fromBodyParserError(exception);
    if (bodyParserProblem) return bodyParserProblem;
    const databaseProblem = fromDatabaseError(exception);
    if (databaseProblem) return databaseProblem;
    if (exception instanceof HttpException) return fromHttpException(exception);

    const errorId = randomUUID();
    this.logger.error({ err: exception, errorId }, 'Unhandled error');
    return {
      type: problemType('internal-error'),
      title: 'Internal server error',
      status: 500,
      detail: `Something went wrong on our side. Quote error id ${errorId} when reporting it.`,
      errorId,
    };
  }
}

function fromHttpException(exception: HttpException): ProblemDetails {
  const status = exception.getStatus();
  const body = exception.getResponse();
  const extra = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const message = typeof body === 'string' ? body : (extra.message ?? exception.message);
  const { message: _message, error: _error, statusCode: _statusCode, status: _status, ...extensions } = extra;
  // Extensions first: they must never override the standard members.
  return {
    ...extensions,
    type: problemType(codeForStatus(status)),
    title: typeof extra.error === 'string' ? extra.error : (HttpStatus[status] ?? 'Error').replace(/_/g, ' ').toLowerCase().replace(/^\w/, (c) => c.toUpperCase()),
    status,
    detail: Array.isArray(message) ? message.join('; ') : String(message),
  };
}

/** Errors raised by Express's body parser before any handler runs. */
function fromBodyParserError(exception: unknown): ProblemDetails | undefined {
  const error = exception as { type?: string; status?: number; expose?: boolean; message?: string; limit?: number; charset?: string; encoding?: string; code?: string };
  // zlib's own errors (Z_DATA_ERROR, Z_BUF_ERROR) pass through the parser untyped.
  if (error?.type === undefined && error?.status === 400 && error.code?.startsWith('Z_')) {
    return { type: problemType('malformed-body'), title: 'Malformed body', status: 400, detail: 'The request body could not be decoded with its Content-Encoding.' };
  }
  switch (error?.type) {
    case 'entity.parse.failed':
      return { type: problemType('malformed-json'), title: 'Malformed JSON', status: 400, detail: 'The request body is not valid JSON.' };
    case 'entity.too.large':
      return { type: problemType('payload-too-large'), title: 'Payload too large', status: 413, detail: `The request body is larger than the limit of ${error.limit} bytes.` };
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return { type: problemType('unsupported-media-type'), title: 'Unsupported media type', status: 415, detail: `The body's charset or encoding (${error.charset ?? error.encoding ?? 'unknown'}) is not supported; send UTF-8 JSON, plain or with Content-Encoding gzip, deflate or br.` };
    case 'request.aborted':
      return { type: problemType('request-aborted'), title: 'Request aborted', status: 400, detail: 'The client closed the connection before the body was received.' };
    default:
      return fromExposedClientError(error);
  }
}

/**
 * Any other client error from the parser's http-errors (a body shorter than
 * its Content-Length, say): `expose` is its promise that the message is safe
 * to show.
 */
function fromExposedClientError(error: { status?: number; expose?: boolean; message?: string }): ProblemDetails | undefined {
  if (error?.expose !== true || typeof error.status !== 'number' || error.status < 400 || error.status > 499) return undefined;
  return { type: problemType(codeForStatus(error.status)), title: 'Bad request body', status: error.status, detail: `The request body could not be read: ${error.message}.` };
}

/** PostgreSQL errors that are the client's fault, by SQLSTATE. */
function fromDatabaseError(exception: unknown): ProblemDetails | undefined {
  const driverError = (exception as { driverError?: { code?: string; detail?: string } })?.driverError;
  switch (driverError?.code) {
    case '23505':
      return { type: problemType('conflict'), title: 'Conflict with the current state', status: 409, detail: 'A record with the same unique value already exists.' };
    case '22P02':
      return { type: problemType('invalid-value'), title: 'Invalid value', status: 400, detail: 'A value in the request has the wrong format.' };
    default:
      return undefined;
  }
}

function codeForStatus(status: number): string {
  return (HttpStatus[status] ?? 'error').toLowerCase().replace(/_/g, '-');
}
