import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, Principal } from '@app/auth';
import { CreateUserDto, UpdateUserDto, UserIdParams, UserRoleParams } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Allow('identity:read')
  @ApiOperation({ summary: 'List users' })
  list() {
    return this.users.list();
  }

  @Post()
  @Allow('identity:manage')
  @ApiOperation({ summary: 'Create a person or a service account' })
  create(@Body() body: CreateUserDto) {
    return this.users.create(body);
  }

  @Get(':id')
  @Allow('identity:read')
  get(@Param() params: UserIdParams) {
    return this.users.get(params.id);
  }

  @Patch(':id')
  @Allow('identity:manage')
  rename(@Param() params: UserIdParams, @Body() body: UpdateUserDto) {
    return this.users.rename(params.id, body.displayName);
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @Allow('identity:manage')
  @ApiOperation({ summary: 'Deactivate a user (users are never deleted); effective on their next request' })
  deactivate(@CurrentPrincipal() principal: Principal, @Param() params: UserIdParams) {
    return this.users.deactivate(principal, params.id);
  }

  @Put(':id/roles/:role')
  @Allow('identity:manage')
  grantRole(@CurrentPrincipal() principal: Principal, @Param() params: UserRoleParams) {
    return this.users.grantRole(principal, params.id, params.role);
  }

  @Delete(':id/roles/:role')
  @Allow('identity:manage')
  revokeRole(@Param() params: UserRoleParams) {
    return this.users.revokeRole(params.id, params.role);
  }
}
