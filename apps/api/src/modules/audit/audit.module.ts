import { Module } from '@nestjs/common';
import { AuditCheckpointSchedule, AuditModule as AuditTrailModule } from '@app/audit';
import { AuditController } from './audit.controller';

/** The read API of the audit trail and the checkpoint schedule; the trail itself (libs/audit) is global. */
@Module({
  imports: [AuditTrailModule],
  controllers: [AuditController],
  // The service signs checkpoints on a schedule; the command-line tools, which share the trail module, do not.
  providers: [AuditCheckpointSchedule],
})
export class AuditApiModule {}
