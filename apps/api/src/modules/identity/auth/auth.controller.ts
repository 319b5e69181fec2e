import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { Allow, CurrentPrincipal, Principal, Public } from '@app/auth';
import { UsersService } from '../users/users.service';
import { AuthService } from './auth.service';
import { ChangePasswordDto, LoginDto } from './dto/login.dto';
import { LocalAuthGuard } from './local-auth.guard';

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
  @UseGuards(ThrottlerGuard, LocalAuthGuard)
  @ApiBody({ type: LoginDto })
  @ApiOperation({ summary: 'Exchange email and password for a short-lived access token (rate-limited per account and address)' })
  login(@CurrentPrincipal() userId: string) {
    return this.auth.issueAccessToken(userId);
  }

  @Get('me')
  @Allow('authenticated')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who am I: the caller, with the roles and teams in effect for this request' })
  async me(@CurrentPrincipal() principal: Principal) {
    return { ...(await this.users.get(principal.userId)), via: principal.kind, effectiveRoles: principal.roles, apiKeyId: principal.apiKeyId ?? null };
  }

  @Post('me/password')
  @HttpCode(204)
  @Allow('authenticated')
  @ApiBearerAuth()
  async changePassword(@CurrentPrincipal() principal: Principal, @Body() body: ChangePasswordDto) {
    await this.users.changeOwnPassword(principal, body.currentPassword, body.newPassword);
  }
}
