import { Module } from '@nestjs/common';
import { UseCaseGates } from './use-case-gates.service';

/**
 * The use-case writes gate reviews ask for, in a module of their own so that
 * both the approval engine and the review alignment that use-cases itself
 * calls can depend on it without a cycle.
 */
@Module({
  providers: [UseCaseGates],
  exports: [UseCaseGates],
})
export class UseCaseGatesModule {}
