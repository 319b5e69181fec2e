import { Injectable } from '@nestjs/common';
import { ClsService, ClsStore } from 'nestjs-cls';

/** Who is acting: set by the access guard from the authenticated principal, or by a command-line tool for itself. */
export interface Actor {
  id: string;
  kind: 'user' | 'api_key' | 'system';
  displayName: string;
  roles: string[];
}

export interface RequestContextStore extends ClsStore {
  requestId?: string;
  sourceIp?: string;
  userAgent?: string;
  actor?: Actor;
  /** The newest transaction that wrote an audit event for this request (a PostgreSQL xid8, as text). */
  auditXid?: string;
}

/**
 * Typed access to what is known about the current request, carried through
 * async calls by nestjs-cls, so the audit writer can read the request id and
 * source address without every caller passing them along.
 */
@Injectable()
export class RequestContext {
  constructor(private readonly cls: ClsService<RequestContextStore>) {}

  get requestId(): string | undefined {
    return this.cls.isActive() ? this.cls.get('requestId') : undefined;
  }

  get sourceIp(): string | undefined {
    return this.cls.isActive() ? this.cls.get('sourceIp') : undefined;
  }

  get userAgent(): string | undefined {
    return this.cls.isActive() ? this.cls.get('userAgent') : undefined;
  }

  get actor(): Actor | undefined {
    return this.cls.isActive() ? this.cls.get('actor') : undefined;
  }

  setActor(actor: Actor) {
    this.cls.set('actor', actor);
  }

  /** Notes that transaction `xid` wrote an audit event, so the answer can wait until it is sealed into the chain. */
  noteAuditTransaction(xid: bigint) {
    if (!this.cls.isActive()) return;
    const known = this.cls.get('auditXid');
    if (known === undefined || BigInt(known) < xid) this.cls.set('auditXid', xid.toString());
  }

  /** The newest transaction of this request that wrote an audit event, if any. */
  get auditTransaction(): bigint | undefined {
    const known = this.cls.isActive() ? this.cls.get('auditXid') : undefined;
    return known === undefined ? undefined : BigInt(known);
  }
}
