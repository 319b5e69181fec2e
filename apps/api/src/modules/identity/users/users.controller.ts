import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, Principal } from '@app/auth';
import { ApiProblems } from '@app/errors';
import { CreateUserDto, UpdateUserDto, UserIdParams, UserRoleParams } from './dto/user.dto';
import { UserResponse } from './dto/user.response';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@ApiProblems(401, 403)
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Allow('identity:read')
  @ApiOperation({ summary: 'List users' })
  @ApiOkResponse({ type: [UserResponse] })
  list() {
    return this.users.list();
  }

  @Post()
  @Allow('identity:manage')
  @ApiOperation({ summary: 'Create a person or a service account' })
  @ApiCreatedResponse({ type: UserResponse })
  @ApiProblems(400, 409, 422)
  create(@Body() body: CreateUserDto) {
    return this.users.create(body);
  }

  @Get(':id')
  @Allow('identity:read')
  @ApiOkResponse({ type: UserResponse })
  @ApiProblems(404, 422)
  get(@Param() params: UserIdParams) {
    return this.users.get(params.id);
  }

  @Patch(':id')
  @Allow('identity:manage')
  @ApiOkResponse({ type: UserResponse })
  @ApiProblems(400, 404, 409, 422)
  rename(@Param() params: UserIdParams, @Body() body: UpdateUserDto) {
    return this.users.rename(params.id, body.displayName);
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @Allow('identity:manage')
  @ApiOperation({ summary: 'Deactivate a user (users are never deleted); effective on their next request' })
  @ApiOkResponse({ type: UserResponse })
  @ApiProblems(404, 409, 422)
  deactivate(@CurrentPrincipal() principal: Principal, @Param() params: UserIdParams) {
    return this.users.deactivate(principal, params.id);
  }

  @Put(':id/roles/:role')
  @Allow('identity:manage')
  @ApiOkResponse({ type: UserResponse })
  @ApiProblems(404, 409, 422)
  grantRole(@CurrentPrincipal() principal: Principal, @Param() params: UserRoleParams) {
    return this.users.grantRole(principal, params.id, params.role);
  }

  @Delete(':id/roles/:role')
  @Allow('identity:manage')
  @ApiOkResponse({ type: UserResponse })
  @ApiProblems(404, 409, 422)
  revokeRole(@Param() params: UserRoleParams) {
    return this.users.revokeRole(params.id, params.role);
  }
}
