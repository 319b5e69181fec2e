import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '@app/auth';
import { ApiProblems } from '@app/errors';
import { GatePolicyVersionParams, PublishGatePolicyDto } from './dto/gate-policy.dto';
import { GatePolicyResponse, GatePolicySummaryResponse } from './dto/gate-policy.response';
import { GatePoliciesService } from './gate-policies.service';

@ApiTags('gate-policies')
@ApiBearerAuth()
@ApiProblems(401, 403)
@Controller('api/gate-policies')
export class GatePoliciesController {
  constructor(private readonly policies: GatePoliciesService) {}

  @Get()
  @Allow('gate_policies:read')
  @ApiOperation({ summary: 'List published policy versions' })
  @ApiOkResponse({ type: [GatePolicySummaryResponse] })
  list() {
    return this.policies.list();
  }

  @Get('current')
  @Allow('gate_policies:read')
  @ApiOkResponse({ type: GatePolicyResponse })
  @ApiProblems(404)
  current() {
    return this.policies.current();
  }

  @Get(':version')
  @Allow('gate_policies:read')
  @ApiOkResponse({ type: GatePolicyResponse })
  @ApiProblems(404, 422)
  get(@Param() params: GatePolicyVersionParams) {
    return this.policies.get(params.version);
  }

  @Post()
  @Allow('gate_policies:manage')
  @ApiOperation({ summary: 'Publish a new policy version (validated; older versions never change)' })
  @ApiCreatedResponse({ type: GatePolicyResponse })
  @ApiProblems(400, 409, 422)
  publish(@Body() body: PublishGatePolicyDto) {
    return this.policies.publish(body.document, body.note);
  }
}
