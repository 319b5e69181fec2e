import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GatePoliciesModule } from '../gate-policies/gate-policies.module';
import { ReviewAlignmentModule } from '../gate-reviews/review-alignment.module';
import { RiskAcceptance } from './risk-acceptance.entity';
import { RiskAcceptancesService } from './risk-acceptances.service';
import { TierChangeRequest } from './tier-change-request.entity';
import { TierDecisionsService } from './tier-decisions.service';
import { UseCaseRevision } from './use-case-revision.entity';
import { UseCase } from './use-case.entity';
import { UseCasesController } from './use-cases.controller';
import { UseCasesService } from './use-cases.service';

@Module({
  imports: [TypeOrmModule.forFeature([UseCase, UseCaseRevision, TierChangeRequest, RiskAcceptance]), GatePoliciesModule, ReviewAlignmentModule],
  controllers: [UseCasesController],
  providers: [UseCasesService, TierDecisionsService, RiskAcceptancesService],
  exports: [UseCasesService],
})
export class UseCasesModule {}
