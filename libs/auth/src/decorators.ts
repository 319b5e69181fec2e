import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import { Permission } from './permissions';
import { Principal } from './principal';

export const PUBLIC_ROUTE = 'gatehouse:public';
export const ROUTE_PERMISSION = 'gatehouse:permission';

/** Open to anyone, signed in or not. Every other route is closed unless it declares @Allow. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The permission a route requires. A route with neither @Allow nor @Public is refused. */
export const Allow = (permission: Permission) => SetMetadata(ROUTE_PERMISSION, permission);

/** The authenticated caller. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  return context.switchToHttp().getRequest<Request & { user: Principal }>().user;
});
