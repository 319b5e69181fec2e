import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { PUBLIC_ROUTE, ROUTE_PERMISSION } from '@app/auth';

export interface DeclaredRoute {
  route: string;
  policy: string;
}

/** Every HTTP route of the running app, with the access policy it declares (or "NONE"). */
export function routeInventory(app: INestApplication): DeclaredRoute[] {
  const routes: DeclaredRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: unknown[]) => object) | null;
      if (!controller) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[name as keyof object] as unknown;
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (path === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        const isPublic = Reflect.getMetadata(PUBLIC_ROUTE, handler) ?? Reflect.getMetadata(PUBLIC_ROUTE, controller);
        const permission = Reflect.getMetadata(ROUTE_PERMISSION, handler) ?? Reflect.getMetadata(ROUTE_PERMISSION, controller);
        const full = `/${[base, path].filter((part) => part && part !== '/').join('/')}`.replace(/\/+/g, '/');
        routes.push({ route: `${method} ${full}`, policy: isPublic ? 'public' : (permission ?? 'NONE') });
      }
    }
  }
  return routes.sort((a, b) => a.route.localeCompare(b.route));
}
