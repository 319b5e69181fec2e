import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, Principal } from '@app/auth';
import { ApiProblems } from '@app/errors';
import { ChecklistAnswerDto, ChecklistParams, TierChangeDecisionDto, TierChangeRequestParams, TierOverrideDto } from './dto/checklist.dto';
import { RevisionDiffParams, RevisionParams } from './dto/revision.dto';
import { RevisionDiffResponse, RevisionResponse, RevisionWithContentResponse } from './dto/revision.response';
import { RiskAcceptanceDto, RiskDto, RiskParams } from './dto/risk.dto';
import { RiskAcceptanceResponse } from './dto/risk-acceptance.response';
import { RiskAcceptancesService } from './risk-acceptances.service';
import { TierChangeRequestResponse } from './dto/tier-change-request.response';
import { CreateUseCaseDto, ListUseCasesQuery, UpdateUseCaseDto, UseCaseIdParams } from './dto/use-case.dto';
import { UseCaseDetailResponse, UseCasePageResponse, UseCaseResponse } from './dto/use-case.response';
import { TierDecisionOutcome, TierDecisionsService } from './tier-decisions.service';
import { UseCasesService } from './use-cases.service';

@ApiTags('use-cases')
@ApiBearerAuth()
@ApiProblems(401, 403)
@Controller('api/use-cases')
export class UseCasesController {
  constructor(
    private readonly useCases: UseCasesService,
    private readonly tiers: TierDecisionsService,
    private readonly acceptances: RiskAcceptancesService,
  ) {}

  @Post()
  @Allow('use_cases:write')
  @ApiOperation({ summary: 'Register a use case for your team (revision 1, stage design)' })
  @ApiCreatedResponse({ type: UseCaseResponse })
  @ApiProblems(400, 409, 422)
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateUseCaseDto) {
    return this.useCases.create(principal, body);
  }

  @Get()
  @Allow('use_cases:read')
  @ApiOperation({ summary: "List the use cases you may see, with filters and a cursor" })
  @ApiOkResponse({ type: UseCasePageResponse })
  @ApiProblems(422)
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListUseCasesQuery) {
    return this.useCases.list(principal, query);
  }

  @Get(':id')
  @Allow('use_cases:read')
  @ApiOperation({ summary: 'One use case, with its risk treatment and acceptances and where its impact assessment stands' })
  @ApiOkResponse({ type: UseCaseDetailResponse })
  @ApiProblems(404, 422)
  get(@CurrentPrincipal() principal: Principal, @Param() params: UseCaseIdParams) {
    return this.useCases.detail(principal, params.id);
  }

  @Patch(':id')
  @Allow('use_cases:write')
  @ApiOperation({ summary: 'Change descriptive fields (a new revision; stage and tier change elsewhere)' })
  @ApiOkResponse({ type: UseCaseResponse })
  @ApiProblems(400, 404, 409, 422)
  update(@CurrentPrincipal() principal: Principal, @Param() params: UseCaseIdParams, @Body() body: UpdateUseCaseDto) {
    return this.useCases.update(principal, params.id, body);
  }

  @Post(':id/risks')
  @Allow('use_cases:write')
  @ApiCreatedResponse({ type: UseCaseResponse })
  @ApiProblems(400, 404, 409, 422)
  addRisk(@CurrentPrincipal() principal: Principal, @Param() params: UseCaseIdParams, @Body() body: RiskDto) {
    return this.useCases.addRisk(principal, params.id, body);
  }

  @Put(':id/risks/:riskId')
  @Allow('use_cases:write')
  @ApiOkResponse({ type: UseCaseResponse })
  @ApiProblems(400, 404, 409, 422)
  replaceRisk(@CurrentPrincipal() principal: Principal, @Param() params: RiskParams, @Body() body: RiskDto) {
    return this.useCases.replaceRisk(principal, params.id, params.riskId, body);
  }

  @Delete(':id/risks/:riskId')
  @Allow('use_cases:write')
  @ApiOkResponse({ type: UseCaseResponse })
  @ApiProblems(404, 409, 422)
  removeRisk(@CurrentPrincipal() principal: Principal, @Param() params: RiskParams) {
    return this.useCases.removeRisk(principal, params.id, params.riskId);
  }

  @Post(':id/risks/:riskId/acceptance')
  @Allow('risks:accept')
  @ApiOperation({
    summary: 'Accept a risk the team treats by acceptance: legal or an assessor outside the team, with the authority the gate policy gives at its severity',
    description: 'The acceptance covers the risk exactly as it stands; a later edit of the risk leaves it behind, and gates wait for a new one.',
  })
  @ApiCreatedResponse({ type: RiskAcceptanceResponse })
  @ApiProblems(400, 404, 409, 422)
  acceptRisk(@CurrentPrincipal() principal: Principal, @Param() params: RiskParams, @Body() body: RiskAcceptanceDto) {
    return this.acceptances.accept(principal, params.id, params.riskId, body);
  }

  @Put(':id/checklist/:itemId')
  @Allow('use_cases:write')
  @ApiOperation({ summary: "Answer an item of the gate policy's checklist" })
  @ApiOkResponse({ type: UseCaseResponse })
  @ApiProblems(400, 404, 409, 422)
  answerChecklistItem(@CurrentPrincipal() principal: Principal, @Param() params: ChecklistParams, @Body() body: ChecklistAnswerDto) {
    return this.useCases.answerChecklistItem(principal, params.id, params.itemId, body);
  }

  @Put(':id/tier-override')
  @Allow('use_cases:override_tier')
  @ApiOperation({
    summary: 'Override the derived tier, with a justification (assessor or legal outside the teams)',
    description: 'Raising the tier takes effect at once (200, the use case). Lowering it is a proposal (202, the request) that a second independent person confirms.',
  })
  @ApiOkResponse({ type: UseCaseResponse, description: 'Applied at once (raised, or unchanged): the use case' })
  @ApiAcceptedResponse({ type: TierChangeRequestResponse, description: 'A lowering: the proposal, pending a second person' })
  @ApiProblems(400, 404, 409, 422)
  async overrideTier(@CurrentPrincipal() principal: Principal, @Param() params: UseCaseIdParams, @Body() body: TierOverrideDto, @Res({ passthrough: true }) res: Response) {
    return answerTierDecision(await this.tiers.override(principal, params.id, body), res);
  }

  @Delete(':id/tier-override')
  @Allow('use_cases:override_tier')
  @ApiOperation({ summary: 'Remove the override; when that lowers the tier it is a proposal (202) like any lowering' })
  @ApiOkResponse({ type: UseCaseResponse, description: 'Applied at once: the use case' })
  @ApiAcceptedResponse({ type: TierChangeRequestResponse, description: 'It lowers the tier: the proposal, pending a second person' })
  @ApiProblems(404, 409, 422)
  async clearTierOverride(@CurrentPrincipal() principal: Principal, @Param() params: UseCaseIdParams, @Res({ passthrough: true }) res: Response) {
    return answerTierDecision(await this.tiers.override(principal, params.id, null), res);
  }

  @Get(':id/tier-change-requests')
  @Allow('use_cases:read')
  @ApiOperation({ summary: 'Proposed tier changes and what became of them' })
  @ApiOkResponse({ type: [TierChangeRequestResponse] })
  @ApiProblems(404, 422)
  tierChangeRequests(@CurrentPrincipal() principal: Principal, @Param() params: UseCaseIdParams) {
    return this.tiers.requests(principal, params.id);
  }

  @Post(':id/tier-change-requests/:requestId/decision')
  @HttpCode(200)
  @Allow('use_cases:override_tier')
  @ApiOperation({ summary: 'Confirm (it takes effect) or refuse a proposed lowering: a second independent person' })
  @ApiExtraModels(UseCaseResponse, TierChangeRequestResponse)
  @ApiOkResponse({
    description: 'Confirmed: the use case with the lower tier; refused: the request',
    schema: { oneOf: [{ $ref: getSchemaPath(UseCaseResponse) }, { $ref: getSchemaPath(TierChangeRequestResponse) }] },
  })
  @ApiProblems(400, 404, 409, 422)
  async decideTierChange(
    @CurrentPrincipal() principal: Principal,
    @Param() params: TierChangeRequestParams,
    @Body() body: TierChangeDecisionDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    return answerTierDecision(await this.tiers.decide(principal, params.id, params.requestId, body.decision, body.comment), res);
  }

  @Get(':id/revisions')
  @Allow('use_cases:read')
  @ApiOkResponse({ type: [RevisionResponse] })
  @ApiProblems(404, 422)
  revisions(@CurrentPrincipal() principal: Principal, @Param() params: UseCaseIdParams) {
    return this.useCases.revisions(principal, params.id);
  }

  @Get(':id/revisions/:revision')
  @Allow('use_cases:read')
  @ApiOkResponse({ type: RevisionWithContentResponse })
  @ApiProblems(404, 422)
  revision(@CurrentPrincipal() principal: Principal, @Param() params: RevisionParams) {
    return this.useCases.revision(principal, params.id, params.revision);
  }

  @Get(':id/revisions/:from/diff/:to')
  @Allow('use_cases:read')
  @ApiOperation({ summary: 'What changed between two revisions, field by field' })
  @ApiOkResponse({ type: RevisionDiffResponse })
  @ApiProblems(404, 422)
  diff(@CurrentPrincipal() principal: Principal, @Param() params: RevisionDiffParams) {
    return this.useCases.diff(principal, params.id, params.from, params.to);
  }
}

/** An applied change answers with the use case (200); a proposal waiting for a second person with the request (202). */
function answerTierDecision(result: TierDecisionOutcome, res: Response) {
  if (result.outcome === 'applied') return result.useCase;
  if (result.request.status === 'pending') res.status(202);
  return result.request;
}
