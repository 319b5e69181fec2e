import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { catchError, from, mergeMap, Observable } from 'rxjs';
import { RequestContext } from '@app/request-context';
import { AuditSealer } from './audit-sealer.service';

/**
 * Holds a request's answer until the audit events it wrote are sealed into the
 * chain, whether it succeeded or was refused (a refusal may have recorded a
 * denial): whoever made a change finds its event in the trail, an export or a
 * verification at once. The transactions have committed by then; no lock or
 * connection is held while waiting. If sealing is held up past the wait (an
 * older transaction still open), the answer goes out and the committed event
 * is sealed by a later round.
 */
@Injectable()
export class AuditSealedInterceptor implements NestInterceptor {
  constructor(
    private readonly context: RequestContext,
    private readonly sealer: AuditSealer,
  ) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const sealed = () => {
      const xid = this.context.auditTransaction;
      return xid === undefined ? Promise.resolve(true) : this.sealer.sealThrough(xid);
    };
    return next.handle().pipe(
      mergeMap((value) => from(sealed().then(() => value))),
      catchError((error: unknown) => from(sealed().then(() => Promise.reject(error)))),
    );
  }
}
