import { Module } from '@nestjs/common';
import { GatePoliciesModule } from '../gate-policies/gate-policies.module';
import { UseCasesModule } from '../use-cases/use-cases.module';
import { GateReviewsController } from './gate-reviews.controller';
import { GateReviewsService } from './gate-reviews.service';

@Module({
  imports: [GatePoliciesModule, UseCasesModule],
  controllers: [GateReviewsController],
  providers: [GateReviewsService],
})
export class GateReviewsModule {}
