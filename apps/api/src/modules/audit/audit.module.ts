import { Module } from '@nestjs/common';
import { AuditModule as AuditTrailModule } from '@app/audit';
import { AuditController } from './audit.controller';

/** The read API of the audit trail; the trail itself (libs/audit) is global. */
@Module({
  imports: [AuditTrailModule],
  controllers: [AuditController],
})
export class AuditApiModule {}
