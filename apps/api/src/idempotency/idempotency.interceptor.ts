import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import canonicalize from 'canonicalize';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { from, Observable, of } from 'rxjs';
import { catchError, finalize, mergeMap } from 'rxjs/operators';
import { DataSource } from 'typeorm';
import { Principal, PUBLIC_ROUTE } from '@app/auth';
import { ValidationFailedError } from '@app/errors';
import { IdempotencyKey } from './idempotency-key.entity';
import { IdempotencyKeysStore, StoredKey } from './idempotency-keys.store';
import { IdempotencyKeyInProgress, IdempotencyKeyReused, SecretNotReplayed } from './idempotency.errors';
import { SECRET_REQUEST, SECRET_RESPONSE } from './secret-route.decorators';

const HEADER = 'idempotency-key';
/** A running request renews its lease this often (a third of it), so a slow upload keeps its key. */
const RENEW_EVERY_MS = 20_000;
/** Expired keys are swept from the table at most this often per process. */
const SWEEP_EVERY_MS = 10 * 60_000;

/**
 * `Idempotency-Key` on POST: the first request with a key runs and its
 * successful response is stored; a retry with the same key and body gets that
 * response again without running anything; the same key with another body is
 * refused. A key is claimed before the work runs, so two concurrent requests
 * with one key cannot both run. A claim is a lease: a request that died
 * mid-way frees its key after a minute; stored responses are kept a day.
 *
 * The header is ignored on public routes (no caller to hold a key for: sign-in)
 * and on routes whose body carries a password. A response carrying a secret is
 * stored without it, and a retry gets 409, never the secret again.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');
  private readonly keys: IdempotencyKeysStore;
  private lastSweep = 0;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly reflector: Reflector,
  ) {
    this.keys = new IdempotencyKeysStore(dataSource.getRepository(IdempotencyKey));
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request & { user?: Principal }>();
    const key = req.get(HEADER);
    if (req.method !== 'POST' || key === undefined || this.ignoresKeys(context)) return next.handle();
    if (!/^[\w.:-]{1,200}$/.test(key)) {
      throw new ValidationFailedError([{ field: 'Idempotency-Key', detail: 'Idempotency-Key is 1 to 200 letters, digits, or . _ : -' }]);
    }
    const res = context.switchToHttp().getResponse<Response>();
    const owner = req.user!.apiKeyId ?? req.user!.userId;
    const requestHash = createHash('sha256').update(`${req.method} ${req.originalUrl}\n${canonicalize(req.body ?? null)}`).digest('hex');
    const secretFields = this.reflector.get<string[] | undefined>(SECRET_RESPONSE, context.getHandler());
    this.sweepNowAndThen();

    return from(this.keys.claim(owner, key, requestHash)).pipe(
      mergeMap((claim) => {
        if (!claim.claimed) return of(replay(claim.existing, requestHash, secretFields, res));
        const { claimId } = claim;
        const renewal = setInterval(() => this.keys.renew(owner, key, claimId).catch((error) => this.logger.warn({ err: error }, 'lease renewal failed')), RENEW_EVERY_MS);
        renewal.unref();
        return next.handle().pipe(
          mergeMap((body) => from(this.keys.complete(owner, key, claimId, res.statusCode, withoutFields(body, secretFields))).pipe(mergeMap(() => of(body)))),
          catchError((error: unknown) => from(this.keys.release(owner, key, claimId)).pipe(mergeMap(() => Promise.reject(error)))),
          finalize(() => clearInterval(renewal)),
        );
      }),
    );
  }

  private ignoresKeys(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    return Boolean(this.reflector.getAllAndOverride(PUBLIC_ROUTE, targets) || this.reflector.getAllAndOverride(SECRET_REQUEST, targets));
  }

  /** Lazy deletion on claim already frees expired keys; this keeps the table from growing with keys never retried. */
  private sweepNowAndThen() {
    if (Date.now() - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = Date.now();
    this.keys.deleteExpired().catch((error) => this.logger.warn({ err: error }, 'sweeping expired idempotency keys failed'));
  }
}

/** The answer to a retry of a request that was already received. */
function replay(stored: StoredKey, requestHash: string, secretFields: string[] | undefined, res: Response): unknown {
  if (stored.requestHash !== requestHash) throw new IdempotencyKeyReused();
  if (stored.statusCode === null) throw new IdempotencyKeyInProgress();
  if (secretFields) throw new SecretNotReplayed(stored.response);
  res.status(stored.statusCode);
  res.setHeader('Idempotent-Replayed', 'true');
  return stored.response;
}

function withoutFields(body: unknown, fields: string[] | undefined): unknown {
  if (!fields || typeof body !== 'object' || body === null) return body;
  return Object.fromEntries(Object.entries(body).filter(([name]) => !fields.includes(name)));
}
