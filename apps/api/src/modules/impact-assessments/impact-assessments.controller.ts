import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, Principal } from '@app/auth';
import { ApiProblems } from '@app/errors';
import { UseCaseIdParams } from '../use-cases/dto/use-case.dto';
import { AssessmentDecisionDto, SaveImpactAssessmentDto, SubmitImpactAssessmentDto } from './dto/impact-assessment.dto';
import { ImpactAssessmentResponse } from './dto/impact-assessment.response';
import { ImpactAssessmentsService } from './impact-assessments.service';

@ApiTags('impact-assessments')
@ApiBearerAuth()
@ApiProblems(401, 403)
@Controller('api/use-cases/:id/impact-assessment')
export class ImpactAssessmentsController {
  constructor(private readonly assessments: ImpactAssessmentsService) {}

  @Get()
  @Allow('use_cases:read')
  @ApiOperation({ summary: "The use case's impact assessment: working revision, approval in force, and whether it is stale" })
  @ApiOkResponse({ type: ImpactAssessmentResponse })
  @ApiProblems(404, 422)
  get(@CurrentPrincipal() principal: Principal, @Param() params: UseCaseIdParams) {
    return this.assessments.get(principal, params.id);
  }

  @Put()
  @Allow('use_cases:write')
  @ApiOperation({ summary: 'Save the answers (the team): a new revision, back to draft; an approval in force stays until the next one' })
  @ApiOkResponse({ type: ImpactAssessmentResponse })
  @ApiProblems(400, 404, 409, 422)
  save(@CurrentPrincipal() principal: Principal, @Param() params: UseCaseIdParams, @Body() body: SaveImpactAssessmentDto) {
    return this.assessments.save(principal, params.id, body);
  }

  @Post('submit')
  @HttpCode(200)
  @Allow('use_cases:write')
  @ApiOperation({ summary: 'Submit the working revision for approval (the team); every required question answered' })
  @ApiOkResponse({ type: ImpactAssessmentResponse })
  @ApiProblems(400, 404, 409, 422)
  submit(@CurrentPrincipal() principal: Principal, @Param() params: UseCaseIdParams, @Body() body: SubmitImpactAssessmentDto) {
    return this.assessments.submit(principal, params.id, body);
  }

  @Post('decisions')
  @Allow('impact_assessments:decide')
  @ApiOperation({ summary: 'Approve the submitted revision, or send it back: legal or an assessor outside the team, as the gate policy says' })
  @ApiCreatedResponse({ type: ImpactAssessmentResponse })
  @ApiProblems(400, 404, 409, 422)
  decide(@CurrentPrincipal() principal: Principal, @Param() params: UseCaseIdParams, @Body() body: AssessmentDecisionDto) {
    return this.assessments.decide(principal, params.id, body);
  }
}
