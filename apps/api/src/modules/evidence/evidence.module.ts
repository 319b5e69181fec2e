import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UseCasesModule } from '../use-cases/use-cases.module';
import { EvidenceBlobChunk } from './evidence-blob-chunk.entity';
import { EvidenceBlob } from './evidence-blob.entity';
import { EvidenceUploadChunk } from './evidence-upload-chunk.entity';
import { EvidenceController } from './evidence.controller';
import { Evidence } from './evidence.entity';
import { EVIDENCE_STORE, PostgresEvidenceStore } from './evidence-store';
import { EvidenceService } from './evidence.service';

@Module({
  imports: [TypeOrmModule.forFeature([Evidence, EvidenceBlob, EvidenceBlobChunk, EvidenceUploadChunk]), UseCasesModule],
  controllers: [EvidenceController],
  providers: [EvidenceService, { provide: EVIDENCE_STORE, useClass: PostgresEvidenceStore }],
  // The store reads evidence content for others (the evidence pack); only this module writes it.
  exports: [EVIDENCE_STORE],
})
export class EvidenceModule {}
