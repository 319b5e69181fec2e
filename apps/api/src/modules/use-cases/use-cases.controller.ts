import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, Principal } from '@app/auth';
import { ChecklistAnswerDto, ChecklistParams, TierOverrideDto } from './dto/checklist.dto';
import { RevisionDiffParams, RevisionParams } from './dto/revision.dto';
import { RiskDto, RiskParams } from './dto/risk.dto';
import { CreateUseCaseDto, ListUseCasesQuery, UpdateUseCaseDto, UseCaseIdParams } from './dto/use-case.dto';
import { UseCasesService } from './use-cases.service';

@ApiTags('use-cases')
@ApiBearerAuth()
@Controller('api/use-cases')
export class UseCasesController {
  constructor(private readonly useCases: UseCasesService) {}

  @Post()
  @Allow('use_cases:write')
  @ApiOperation({ summary: 'Register a use case for your team (revision 1, stage design)' })
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateUseCaseDto) {
    return this.useCases.create(principal, body);
  }

  @Get()
  @Allow('use_cases:read')
  @ApiOperation({ summary: "List the use cases you may see, with filters and a cursor" })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListUseCasesQuery) {
    return this.useCases.list(principal, query);
  }

  @Get(':id')
  @Allow('use_cases:read')
  get(@CurrentPrincipal() principal: Principal, @Param() params: UseCaseIdParams) {
    return this.useCases.get(principal, params.id);
  }

  @Patch(':id')
  @Allow('use_cases:write')
  @ApiOperation({ summary: 'Change descriptive fields (a new revision; stage and tier change elsewhere)' })
  update(@CurrentPrincipal() principal: Principal, @Param() params: UseCaseIdParams, @Body() body: UpdateUseCaseDto) {
    return this.useCases.update(principal, params.id, body);
  }

  @Post(':id/risks')
  @Allow('use_cases:write')
  addRisk(@CurrentPrincipal() principal: Principal, @Param() params: UseCaseIdParams, @Body() body: RiskDto) {
    return this.useCases.addRisk(principal, params.id, body);
  }

  @Put(':id/risks/:riskId')
  @Allow('use_cases:write')
  replaceRisk(@CurrentPrincipal() principal: Principal, @Param() params: RiskParams, @Body() body: RiskDto) {
    return this.useCases.replaceRisk(principal, params.id, params.riskId, body);
  }

  @Delete(':id/risks/:riskId')
  @Allow('use_cases:write')
  removeRisk(@CurrentPrincipal() principal: Principal, @Param() params: RiskParams) {
    return this.useCases.removeRisk(principal, params.id, params.riskId);
  }

  @Put(':id/checklist/:itemId')
  @Allow('use_cases:write')
  @ApiOperation({ summary: "Answer an item of the gate policy's checklist" })
  answerChecklistItem(@CurrentPrincipal() principal: Principal, @Param() params: ChecklistParams, @Body() body: ChecklistAnswerDto) {
    return this.useCases.answerChecklistItem(principal, params.id, params.itemId, body);
  }

  @Put(':id/tier-override')
  @Allow('use_cases:override_tier')
  @ApiOperation({ summary: 'Override the derived tier, with a justification (assessor or legal)' })
  overrideTier(@CurrentPrincipal() principal: Principal, @Param() params: UseCaseIdParams, @Body() body: TierOverrideDto) {
    return this.useCases.overrideTier(principal, params.id, body);
  }

  @Delete(':id/tier-override')
  @Allow('use_cases:override_tier')
  clearTierOverride(@CurrentPrincipal() principal: Principal, @Param() params: UseCaseIdParams) {
    return this.useCases.overrideTier(principal, params.id, null);
  }

  @Get(':id/revisions')
  @Allow('use_cases:read')
  revisions(@CurrentPrincipal() principal: Principal, @Param() params: UseCaseIdParams) {
    return this.useCases.revisions(principal, params.id);
  }

  @Get(':id/revisions/:revision')
  @Allow('use_cases:read')
  revision(@CurrentPrincipal() principal: Principal, @Param() params: RevisionParams) {
    return this.useCases.revision(principal, params.id, params.revision);
  }

  @Get(':id/revisions/:from/diff/:to')
  @Allow('use_cases:read')
  @ApiOperation({ summary: 'What changed between two revisions, field by field' })
  diff(@CurrentPrincipal() principal: Principal, @Param() params: RevisionDiffParams) {
    return this.useCases.diff(principal, params.id, params.from, params.to);
  }
}
