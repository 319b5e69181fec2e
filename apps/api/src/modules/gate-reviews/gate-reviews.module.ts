import { Module } from '@nestjs/common';
import { GatePoliciesModule } from '../gate-policies/gate-policies.module';
import { ImpactAssessmentsModule } from '../impact-assessments/impact-assessments.module';
import { UseCaseGatesModule } from '../use-cases/use-case-gates.module';
import { UseCasesModule } from '../use-cases/use-cases.module';
import { GateReviewsController } from './gate-reviews.controller';
import { ObligationsService } from './obligations.service';
import { ReviewAlignmentModule } from './review-alignment.module';
import { ReviewDecisions } from './review-decisions.service';
import { ReviewQueries } from './review-queries.service';

/** Gate reviews: the decision flow, its read side and the obligations approvals leave behind. */
@Module({
  imports: [GatePoliciesModule, UseCasesModule, UseCaseGatesModule, ReviewAlignmentModule, ImpactAssessmentsModule],
  controllers: [GateReviewsController],
  providers: [ReviewDecisions, ReviewQueries, ObligationsService],
})
export class GateReviewsModule {}
