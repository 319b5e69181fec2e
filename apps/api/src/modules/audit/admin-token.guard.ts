import { CanActivate, Inject, Injectable } from '@nestjs/common';
import { ExecutionContext } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { APP_CONFIG, AppConfig } from '@app/config';
import { UnauthorizedError } from '@app/errors';
import { RequestContext } from '@app/request-context';

/**
 * Interim protection for the audit routes until identities exist: the caller
 * presents GATEHOUSE_ADMIN_TOKEN as a bearer token and acts as the admin.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly context: RequestContext,
  ) {}

  canActivate(execution: ExecutionContext): boolean {
    const expected = this.config.audit.adminToken;
    if (!expected) {
      throw new UnauthorizedError('The audit routes are disabled: GATEHOUSE_ADMIN_TOKEN is not configured.');
    }
    const header = execution.switchToHttp().getRequest<Request>().get('authorization') ?? '';
    const presented = /^Bearer (.+)$/i.exec(header)?.[1];
    if (!presented || !sameSecret(presented, expected)) {
      throw new UnauthorizedError('Send the admin token as "Authorization: Bearer <token>".');
    }
    this.context.setActor({ id: 'admin-token', kind: 'api_key', displayName: 'Configured admin token', roles: ['admin'] });
    return true;
  }
}

/** Compares digests so neither the length nor the content leaks through timing. */
function sameSecret(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
