import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, Principal, toAuditActor } from '@app/auth';
import { GatePolicyVersionParams, PublishGatePolicyDto } from './dto/gate-policy.dto';
import { GatePoliciesService } from './gate-policies.service';

@ApiTags('gate-policies')
@ApiBearerAuth()
@Controller('api/gate-policies')
export class GatePoliciesController {
  constructor(private readonly policies: GatePoliciesService) {}

  @Get()
  @Allow('gate_policies:read')
  @ApiOperation({ summary: 'List published policy versions' })
  list() {
    return this.policies.list();
  }

  @Get('current')
  @Allow('gate_policies:read')
  current() {
    return this.policies.current();
  }

  @Get(':version')
  @Allow('gate_policies:read')
  get(@Param() params: GatePolicyVersionParams) {
    return this.policies.get(params.version);
  }

  @Post()
  @Allow('gate_policies:manage')
  @ApiOperation({ summary: 'Publish a new policy version (validated; older versions never change)' })
  publish(@CurrentPrincipal() principal: Principal, @Body() body: PublishGatePolicyDto) {
    return this.policies.publish(body.document, body.note, toAuditActor(principal));
  }
}
