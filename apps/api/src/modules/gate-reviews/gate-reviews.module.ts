import { Module } from '@nestjs/common';
import { GatePoliciesModule } from '../gate-policies/gate-policies.module';
import { UseCasesModule } from '../use-cases/use-cases.module';
import { GateReviewsController } from './gate-reviews.controller';
import { GateReviewsRepository } from './gate-reviews.repository';
import { GateReviewsService } from './gate-reviews.service';
import { ReviewAlignmentModule } from './review-alignment.module';

@Module({
  imports: [GatePoliciesModule, UseCasesModule, ReviewAlignmentModule],
  controllers: [GateReviewsController],
  providers: [GateReviewsService, GateReviewsRepository],
})
export class GateReviewsModule {}
