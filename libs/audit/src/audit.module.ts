import { Global, Module } from '@nestjs/common';
import { AuditReader } from './audit-reader.service';
import { AuditTrail } from './audit-trail.service';
import { DeniedAttempts } from './denied-attempts.service';

@Global()
@Module({
  providers: [AuditTrail, AuditReader, DeniedAttempts],
  exports: [AuditTrail, AuditReader, DeniedAttempts],
})
export class AuditModule {}
