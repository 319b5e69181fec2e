import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, Principal } from '@app/auth';
import { ApiProblems } from '@app/errors';
import { SecretResponse } from '../../../idempotency/secret-route.decorators';
import { UserIdParams } from '../users/dto/user.dto';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyIdParams, CreateApiKeyDto } from './dto/api-key.dto';
import { ApiKeyResponse, CreatedApiKeyResponse } from './dto/api-key.response';

@ApiTags('api-keys')
@ApiBearerAuth()
@ApiProblems(401, 403)
@Controller('api')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get('me/api-keys')
  @Allow('authenticated')
  @ApiOkResponse({ type: [ApiKeyResponse] })
  listMine(@CurrentPrincipal() principal: Principal) {
    return this.keys.listFor(principal.userId);
  }

  @Post('me/api-keys')
  @Allow('authenticated')
  @SecretResponse('token')
  @ApiOperation({ summary: 'Create an API key for yourself; the token is shown once' })
  @ApiCreatedResponse({ type: CreatedApiKeyResponse })
  @ApiProblems(400, 409, 422)
  createMine(@CurrentPrincipal() principal: Principal, @Body() body: CreateApiKeyDto) {
    return this.keys.create(principal, principal.userId, body);
  }

  @Delete('me/api-keys/:id')
  @Allow('authenticated')
  @ApiOkResponse({ type: ApiKeyResponse })
  @ApiProblems(404, 409, 422)
  revokeMine(@CurrentPrincipal() principal: Principal, @Param() params: ApiKeyIdParams) {
    return this.keys.revoke(params.id, principal.userId);
  }

  @Get('users/:id/api-keys')
  @Allow('identity:read')
  @ApiOkResponse({ type: [ApiKeyResponse] })
  @ApiProblems(404, 422)
  listForUser(@Param() params: UserIdParams) {
    return this.keys.listFor(params.id);
  }

  @Post('users/:id/api-keys')
  @Allow('identity:manage')
  @SecretResponse('token')
  @ApiOperation({ summary: 'Create an API key for a service account; the token is shown once' })
  @ApiCreatedResponse({ type: CreatedApiKeyResponse })
  @ApiProblems(400, 404, 409, 422)
  createForServiceAccount(@CurrentPrincipal() principal: Principal, @Param() params: UserIdParams, @Body() body: CreateApiKeyDto) {
    return this.keys.create(principal, params.id, body);
  }

  @Delete('api-keys/:id')
  @Allow('identity:manage')
  @ApiOkResponse({ type: ApiKeyResponse })
  @ApiProblems(404, 409, 422)
  revoke(@Param() params: ApiKeyIdParams) {
    return this.keys.revoke(params.id);
  }
}
