import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { decideAccess, Permission, Principal, PUBLIC_ROUTE, ROUTE_PERMISSION, toAuditActor } from '@app/auth';
import { DeniedAttempts } from '@app/audit';
import { DomainError, isTransientDatabaseFailure, ServiceUnavailableError, UnauthorizedError } from '@app/errors';
import { RequestContext } from '@app/request-context';
import { NoAccessPolicyRefusal, PermissionRequiredRefusal } from './auth.errors';

/** Tries an access token, then an API key, then the web app's session cookie. */
class CredentialsGuard extends AuthGuard(['jwt', 'api-key', 'session']) {
  override handleRequest<T>(error: unknown, principal: T): T {
    // A database that cannot be reached says nothing about the credential: 503, so a valid token is never told it is invalid.
    if (isTransientDatabaseFailure(error)) throw new ServiceUnavailableError();
    // A refusal made on purpose (a session's write without its CSRF token: 403) is answered as itself.
    if (error instanceof DomainError) throw error;
    if (error || !principal) {
      throw new UnauthorizedError(
        'Sign in (POST /api/auth/login) and send "Authorization: Bearer <accessToken>", or send an API key, or, from the web app, ' +
          'the gatehouse_session cookie from POST /api/auth/session; the credentials given are missing, invalid, expired, revoked, ' +
          'signed out or belong to a deactivated account.',
      );
    }
    return principal;
  }
}

/**
 * The one guard in front of every route. Closed by default: a route is open
 * only when it is marked @Public(), or when it declares a permission with
 * @Allow() and the authenticated caller holds it. A route that declares
 * nothing is refused to everyone.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly credentials = new CredentialsGuard();

  constructor(
    private readonly reflector: Reflector,
    private readonly context: RequestContext,
    private readonly denials: DeniedAttempts,
  ) {}

  async canActivate(execution: ExecutionContext): Promise<boolean> {
    const targets = [execution.getHandler(), execution.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    await this.credentials.canActivate(execution);
    const request = execution.switchToHttp().getRequest<{ user: Principal; method: string; route?: { path?: string }; path: string }>();
    const principal = request.user;
    this.context.setActor(toAuditActor(principal));

    const permission = this.reflector.getAllAndOverride<Permission | undefined>(ROUTE_PERMISSION, targets);
    if (!permission) throw new NoAccessPolicyRefusal();
    const decision = decideAccess(principal, permission);
    if (!decision.allowed) {
      // Every route is a governed action of some kind; a signed-in caller refused at the door is recorded (throttled).
      const route = `${request.method} ${request.route?.path ?? request.path}`;
      const refusal = new PermissionRequiredRefusal(decision.reason);
      await this.denials.record({ actor: toAuditActor(principal), attempted: route, target: { type: 'route', id: route } }, refusal);
      throw refusal;
    }
    return true;
  }
}
