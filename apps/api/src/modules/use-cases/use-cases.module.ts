import { Module } from '@nestjs/common';
import { GatePoliciesModule } from '../gate-policies/gate-policies.module';
import { ReviewAlignmentModule } from '../gate-reviews/review-alignment.module';
import { TierDecisionsService } from './tier-decisions.service';
import { UseCasesController } from './use-cases.controller';
import { UseCasesService } from './use-cases.service';

@Module({
  imports: [GatePoliciesModule, ReviewAlignmentModule],
  controllers: [UseCasesController],
  providers: [UseCasesService, TierDecisionsService],
  exports: [UseCasesService],
})
export class UseCasesModule {}
