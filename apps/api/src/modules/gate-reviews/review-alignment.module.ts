import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GatePoliciesModule } from '../gate-policies/gate-policies.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { UseCaseGatesModule } from '../use-cases/use-case-gates.module';
import { GateReview } from './gate-review.entity';
import { GateReviewsRepository } from './gate-reviews.repository';
import { Obligation } from './obligation.entity';
import { ReviewAlignment } from './review-alignment.service';
import { ReviewNotices } from './review-notices';
import { SignOff } from './sign-off.entity';

/**
 * The gate-reviews tables, and the part of gate reviews that use-cases calls
 * when a use case changes. A module of its own so use-cases can depend on it
 * without depending on the whole approval engine (which depends on use-cases).
 */
@Module({
  imports: [TypeOrmModule.forFeature([GateReview, SignOff, Obligation]), GatePoliciesModule, UseCaseGatesModule, NotificationsModule],
  providers: [ReviewAlignment, GateReviewsRepository, ReviewNotices],
  exports: [ReviewAlignment, GateReviewsRepository, ReviewNotices],
})
export class ReviewAlignmentModule {}
