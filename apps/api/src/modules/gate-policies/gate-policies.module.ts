import { Module } from '@nestjs/common';
import { GatePoliciesController } from './gate-policies.controller';
import { GatePoliciesService } from './gate-policies.service';

@Module({
  controllers: [GatePoliciesController],
  providers: [GatePoliciesService],
  exports: [GatePoliciesService],
})
export class GatePoliciesModule {}
