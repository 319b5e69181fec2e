import { Body, Controller, Delete, Get, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, Principal } from '@app/auth';
import { ApiProblems } from '@app/errors';
import { CreateTeamDto, TeamIdParams, TeamMemberParams } from './dto/team.dto';
import { TeamResponse } from './dto/team.response';
import { TeamsService } from './teams.service';

@ApiTags('teams')
@ApiBearerAuth()
@ApiProblems(401, 403)
@Controller('api/teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Get()
  @Allow('authenticated')
  @ApiOperation({ summary: 'List teams and their members' })
  @ApiOkResponse({ type: [TeamResponse] })
  list() {
    return this.teams.list();
  }

  @Post()
  @Allow('identity:manage')
  @ApiCreatedResponse({ type: TeamResponse })
  @ApiProblems(400, 409, 422)
  create(@Body() body: CreateTeamDto) {
    return this.teams.create(body.name);
  }

  @Get(':id')
  @Allow('authenticated')
  @ApiOkResponse({ type: TeamResponse })
  @ApiProblems(404, 422)
  get(@Param() params: TeamIdParams) {
    return this.teams.get(params.id);
  }

  @Put(':id/members/:userId/:role')
  @Allow('identity:manage')
  @ApiOperation({ summary: 'Make a user a developer or deployer of the team' })
  @ApiOkResponse({ type: TeamResponse })
  @ApiProblems(404, 409, 422)
  addMember(@CurrentPrincipal() principal: Principal, @Param() params: TeamMemberParams) {
    return this.teams.addMember(params.id, params.userId, params.role, principal);
  }

  @Delete(':id/members/:userId/:role')
  @Allow('identity:manage')
  @ApiOkResponse({ type: TeamResponse })
  @ApiProblems(404, 409, 422)
  removeMember(@Param() params: TeamMemberParams) {
    return this.teams.removeMember(params.id, params.userId, params.role);
  }
}
