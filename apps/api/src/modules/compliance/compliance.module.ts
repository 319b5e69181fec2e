import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GatePoliciesModule } from '../gate-policies/gate-policies.module';
import { ComplianceController } from './compliance.controller';
import { SoaVersion } from './soa-version.entity';
import { StatementOfApplicabilityService } from './statement-of-applicability.service';

/** ISO/IEC 42001: the Annex A catalogue, the Statement of Applicability (table soa_versions) and, in time, the evidence pack. */
@Module({
  imports: [TypeOrmModule.forFeature([SoaVersion]), GatePoliciesModule],
  controllers: [ComplianceController],
  providers: [StatementOfApplicabilityService],
})
export class ComplianceModule {}
