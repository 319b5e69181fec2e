import { Body, Controller, Delete, Get, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '@app/auth';
import { CreateTeamDto, TeamIdParams, TeamMemberParams } from './dto/team.dto';
import { TeamsService } from './teams.service';

@ApiTags('teams')
@ApiBearerAuth()
@Controller('api/teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Get()
  @Allow('authenticated')
  @ApiOperation({ summary: 'List teams and their members' })
  list() {
    return this.teams.list();
  }

  @Post()
  @Allow('identity:manage')
  create(@Body() body: CreateTeamDto) {
    return this.teams.create(body.name);
  }

  @Get(':id')
  @Allow('authenticated')
  get(@Param() params: TeamIdParams) {
    return this.teams.get(params.id);
  }

  @Put(':id/members/:userId/:role')
  @Allow('identity:manage')
  @ApiOperation({ summary: 'Make a user a developer or deployer of the team' })
  addMember(@Param() params: TeamMemberParams) {
    return this.teams.addMember(params.id, params.userId, params.role);
  }

  @Delete(':id/members/:userId/:role')
  @Allow('identity:manage')
  removeMember(@Param() params: TeamMemberParams) {
    return this.teams.removeMember(params.id, params.userId, params.role);
  }
}
