import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '@app/auth';
import { ApiProblems } from '@app/errors';
import { GatePolicyVersionParams } from '../gate-policies/dto/gate-policy.dto';
import { PublishAssessmentTemplateDto } from './dto/impact-assessment.dto';
import { AssessmentTemplateResponse, AssessmentTemplateSummaryResponse } from './dto/impact-assessment.response';
import { AssessmentTemplatesService } from './assessment-templates.service';

@ApiTags('impact-assessments')
@ApiBearerAuth()
@ApiProblems(401, 403)
@Controller('api/assessment-templates')
export class AssessmentTemplatesController {
  constructor(private readonly templates: AssessmentTemplatesService) {}

  @Get()
  @Allow('gate_policies:read')
  @ApiOperation({ summary: 'List published impact-assessment template versions' })
  @ApiOkResponse({ type: [AssessmentTemplateSummaryResponse] })
  list() {
    return this.templates.list();
  }

  @Get('current')
  @Allow('gate_policies:read')
  @ApiOkResponse({ type: AssessmentTemplateResponse })
  @ApiProblems(404)
  current() {
    return this.templates.current();
  }

  @Get(':version')
  @Allow('gate_policies:read')
  @ApiOkResponse({ type: AssessmentTemplateResponse })
  @ApiProblems(404, 422)
  get(@Param() params: GatePolicyVersionParams) {
    return this.templates.get(params.version);
  }

  @Post()
  @Allow('gate_policies:manage')
  @ApiOperation({ summary: 'Publish a new template version (validated; older versions never change)' })
  @ApiCreatedResponse({ type: AssessmentTemplateResponse })
  @ApiProblems(400, 409, 422)
  publish(@Body() body: PublishAssessmentTemplateDto) {
    return this.templates.publish(body.document, body.note);
  }
}
