import { Module } from '@nestjs/common';
import { UseCasesModule } from '../use-cases/use-cases.module';
import { EvidenceController } from './evidence.controller';
import { EVIDENCE_STORE, PostgresEvidenceStore } from './evidence-store';
import { EvidenceService } from './evidence.service';

@Module({
  imports: [UseCasesModule],
  controllers: [EvidenceController],
  providers: [EvidenceService, { provide: EVIDENCE_STORE, useClass: PostgresEvidenceStore }],
})
export class EvidenceModule {}
