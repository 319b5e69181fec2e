import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EvidenceModule } from '../evidence/evidence.module';
import { GatePoliciesModule } from '../gate-policies/gate-policies.module';
import { ComplianceController } from './compliance.controller';
import { EvidencePackService } from './evidence-pack.service';
import { SoaVersion } from './soa-version.entity';
import { StatementOfApplicabilityService } from './statement-of-applicability.service';

/** ISO/IEC 42001: the Annex A catalogue, the Statement of Applicability (table soa_versions) and the evidence pack. */
@Module({
  imports: [TypeOrmModule.forFeature([SoaVersion]), GatePoliciesModule, EvidenceModule],
  controllers: [ComplianceController],
  providers: [StatementOfApplicabilityService, EvidencePackService],
})
export class ComplianceModule {}
