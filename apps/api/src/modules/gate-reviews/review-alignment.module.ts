import { Module } from '@nestjs/common';
import { GatePoliciesModule } from '../gate-policies/gate-policies.module';
import { ReviewAlignment } from './review-alignment.service';

/**
 * The part of gate reviews that the registry calls when a use case changes.
 * A module of its own so use-cases can depend on it without depending on the
 * whole approval engine (which depends on use-cases).
 */
@Module({
  imports: [GatePoliciesModule],
  providers: [ReviewAlignment],
  exports: [ReviewAlignment],
})
export class ReviewAlignmentModule {}
