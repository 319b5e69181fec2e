import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GatePoliciesController } from './gate-policies.controller';
import { GatePoliciesService } from './gate-policies.service';
import { GatePolicy } from './gate-policy.entity';

@Module({
  imports: [TypeOrmModule.forFeature([GatePolicy])],
  controllers: [GatePoliciesController],
  providers: [GatePoliciesService],
  exports: [GatePoliciesService],
})
export class GatePoliciesModule {}
