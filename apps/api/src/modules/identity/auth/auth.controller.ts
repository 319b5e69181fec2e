import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, Principal, Public } from '@app/auth';
import { ApiProblems } from '@app/errors';
import { SecretRequest, SecretResponse } from '../../../idempotency/secret-route.decorators';
import { UsersService } from '../users/users.service';
import { AuthService, SignedIn } from './auth.service';
import { AccessTokenResponse, MeResponse } from './dto/auth.response';
import { ChangePasswordDto, LoginDto } from './dto/login.dto';
import { CurrentSignIn, LocalAuthGuard } from './local-auth.guard';
import { meView } from './me.view';

@ApiTags('auth')
@Controller('api')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Post('auth/login')
  @HttpCode(200)
  @Public()
  @UseGuards(LocalAuthGuard)
  @SecretRequest()
  @SecretResponse('accessToken')
  @ApiBody({ type: LoginDto })
  @ApiOperation({ summary: 'Exchange email and password for a short-lived access token (failed attempts are limited per account and address)' })
  @ApiOkResponse({ type: AccessTokenResponse })
  @ApiProblems(400, 401, 403, 422, 429)
  login(@CurrentSignIn() signedIn: SignedIn) {
    return this.auth.issueAccessToken(signedIn.userId, signedIn.checkedAt);
  }

  @Get('me')
  @Allow('authenticated')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who am I: the caller, with the roles and teams in effect for this request' })
  @ApiOkResponse({ type: MeResponse })
  @ApiProblems(401, 403)
  async me(@CurrentPrincipal() principal: Principal) {
    return meView(await this.users.get(principal.userId), principal);
  }

  @Post('me/password')
  @HttpCode(204)
  @Allow('authenticated')
  @SecretRequest()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change your password; every access token issued before the change stops working' })
  @ApiNoContentResponse({ description: 'Changed; sign in again with the new password' })
  @ApiProblems(400, 401, 403, 422)
  async changePassword(@CurrentPrincipal() principal: Principal, @Body() body: ChangePasswordDto) {
    await this.users.changeOwnPassword(principal, body.currentPassword, body.newPassword);
  }
}
