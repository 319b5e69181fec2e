import { Global, Module } from '@nestjs/common';
import type { Request } from 'express';
import { ClsModule } from 'nestjs-cls';
import { RequestContext, RequestContextStore } from './request-context';

@Global()
@Module({
  imports: [
    ClsModule.forRoot({
      global: true,
      middleware: {
        mount: true,
        setup: (cls, req: Request) => {
          const store = cls as unknown as { set<K extends keyof RequestContextStore>(key: K, value: RequestContextStore[K]): void };
          // `req.id` is assigned by the request-id middleware, before any Nest middleware.
          store.set('requestId', (req as Request & { id?: string }).id);
          store.set('sourceIp', req.ip);
          store.set('userAgent', req.get('user-agent')?.slice(0, 512));
        },
      },
    }),
  ],
  providers: [RequestContext],
  exports: [RequestContext],
})
export class RequestContextModule {}
