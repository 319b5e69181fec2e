import { Global, Module } from '@nestjs/common';
import { AuditReader } from './audit-reader.service';
import { AuditTrail } from './audit-trail.service';

@Global()
@Module({
  providers: [AuditTrail, AuditReader],
  exports: [AuditTrail, AuditReader],
})
export class AuditModule {}
