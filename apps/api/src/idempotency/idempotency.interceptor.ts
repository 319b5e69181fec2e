import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import canonicalize from 'canonicalize';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { from, Observable, of } from 'rxjs';
import { catchError, mergeMap } from 'rxjs/operators';
import { DataSource } from 'typeorm';
import { Principal } from '@app/auth';
import { ConflictError, DomainError, ValidationFailedError } from '@app/errors';

const HEADER = 'idempotency-key';

/**
 * `Idempotency-Key` on POST: the first request with a key runs and its
 * successful response is stored; a retry with the same key and body gets that
 * response again without running anything; the same key with another body is
 * refused. A key is claimed by inserting its row before the work runs, so two
 * concurrent requests with one key cannot both run.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request & { user?: Principal }>();
    const key = req.get(HEADER);
    if (req.method !== 'POST' || key === undefined) return next.handle();
    if (!/^[\w.:-]{1,200}$/.test(key)) {
      throw new ValidationFailedError([{ field: 'Idempotency-Key', detail: 'Idempotency-Key is 1 to 200 letters, digits, or . _ : -' }]);
    }
    const res = context.switchToHttp().getResponse<Response>();
    const owner = req.user ? (req.user.apiKeyId ?? req.user.userId) : `anonymous:${req.ip}`;
    const requestHash = createHash('sha256').update(`${req.method} ${req.originalUrl}\n${canonicalize(req.body ?? null)}`).digest('hex');

    return from(this.claim(owner, key, requestHash)).pipe(
      mergeMap((stored) => {
        if (stored) {
          res.status(stored.status_code);
          res.setHeader('Idempotent-Replayed', 'true');
          return of(stored.response);
        }
        return next.handle().pipe(
          mergeMap((body) => from(this.complete(owner, key, res.statusCode, body)).pipe(mergeMap(() => of(body)))),
          catchError((error: unknown) => from(this.release(owner, key)).pipe(mergeMap(() => Promise.reject(error)))),
        );
      }),
    );
  }

  /** Returns the stored response of a completed earlier request, or claims the key for this one. */
  private async claim(owner: string, key: string, requestHash: string): Promise<{ status_code: number; response: unknown } | undefined> {
    const inserted = await this.dataSource.query(
      `INSERT INTO idempotency_keys (principal_id, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING key`,
      [owner, key, requestHash],
    );
    if (inserted.length) return undefined;
    const [existing] = await this.dataSource.query('SELECT request_hash, status_code, response FROM idempotency_keys WHERE principal_id = $1 AND key = $2', [owner, key]);
    if (!existing) return this.claim(owner, key, requestHash);
    if (existing.request_hash !== requestHash) throw new IdempotencyKeyReused();
    if (existing.status_code === null) throw new ConflictError('A request with this Idempotency-Key is still being processed; retry shortly.');
    return existing as { status_code: number; response: unknown };
  }

  private async complete(owner: string, key: string, statusCode: number, body: unknown) {
    await this.dataSource.query('UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE principal_id = $1 AND key = $2', [owner, key, statusCode, JSON.stringify(body ?? null)]);
  }

  /** A failed request leaves its key free, so a corrected retry can use it. */
  private async release(owner: string, key: string) {
    await this.dataSource.query('DELETE FROM idempotency_keys WHERE principal_id = $1 AND key = $2 AND status_code IS NULL', [owner, key]);
  }
}

class IdempotencyKeyReused extends DomainError {
  readonly code = 'idempotency-key-reused';
  readonly status = 422;
  readonly title = 'Idempotency key reused';
  constructor() {
    super('This Idempotency-Key was used for a different request; use a new key for a new request.');
  }
}

