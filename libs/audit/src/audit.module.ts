import { Global, Module } from '@nestjs/common';
import { AuditCheckpoints, auditSigningKeyProvider } from './audit-checkpoints.service';
import { AuditReader } from './audit-reader.service';
import { AuditTrail } from './audit-trail.service';
import { DeniedAttempts } from './denied-attempts.service';

@Global()
@Module({
  providers: [AuditTrail, AuditReader, DeniedAttempts, auditSigningKeyProvider, AuditCheckpoints],
  exports: [AuditTrail, AuditReader, DeniedAttempts, AuditCheckpoints],
})
export class AuditModule {}
