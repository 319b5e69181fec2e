import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditCheckpoints, auditSigningKeyProvider } from './audit-checkpoints.service';
import { AuditFeed } from './audit-feed.service';
import { AuditReader } from './audit-reader.service';
import { AuditSealedInterceptor } from './audit-sealed.interceptor';
import { AuditSealer } from './audit-sealer.service';
import { AuditTrail } from './audit-trail.service';
import { DeniedAttempts } from './denied-attempts.service';

@Global()
@Module({
  providers: [AuditTrail, AuditSealer, AuditReader, AuditFeed, DeniedAttempts, auditSigningKeyProvider, AuditCheckpoints, { provide: APP_INTERCEPTOR, useClass: AuditSealedInterceptor }],
  exports: [AuditTrail, AuditSealer, AuditReader, AuditFeed, DeniedAttempts, AuditCheckpoints],
})
export class AuditModule {}
