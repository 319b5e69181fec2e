import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ApiKey } from './api-keys/api-key.entity';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AccessGuard } from './auth/access.guard';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { PasswordHasher } from './auth/password-hasher';
import { PrincipalLoader } from './auth/principal.loader';
import { SignInLimiter } from './auth/sign-in-limiter';
import { ApiKeyStrategy, JwtStrategy, LocalStrategy, SessionStrategy } from './auth/strategies';
import { BootstrapAdmin } from './bootstrap-admin';
import { OidcLogin } from './oidc/oidc-login.entity';
import { OidcController } from './oidc/oidc.controller';
import { OidcService } from './oidc/oidc.service';
import { UserIdentity } from './oidc/user-identity.entity';
import { BrowserSession } from './sessions/browser-session.entity';
import { BrowserSessionsController } from './sessions/browser-sessions.controller';
import { BrowserSessionsService } from './sessions/browser-sessions.service';
import { TeamMember } from './teams/team-member.entity';
import { Team } from './teams/team.entity';
import { TeamsController } from './teams/teams.controller';
import { TeamsRepository } from './teams/teams.repository';
import { TeamsService } from './teams/teams.service';
import { UserRole } from './users/user-role.entity';
import { User } from './users/user.entity';
import { UsersController } from './users/users.controller';
import { UsersRepository } from './users/users.repository';
import { UsersService } from './users/users.service';

/** People, teams, roles and machine keys; sign-in, for tokens and browser sessions; the global access guard. */
@Module({
  imports: [
    TypeOrmModule.forFeature([User, UserRole, Team, TeamMember, ApiKey, BrowserSession, UserIdentity, OidcLogin]),
    PassportModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ secret: config.auth.jwtSecret, signOptions: { algorithm: 'HS256' } }),
    }),
  ],
  controllers: [AuthController, BrowserSessionsController, OidcController, UsersController, TeamsController, ApiKeysController],
  providers: [
    PasswordHasher,
    UsersRepository,
    TeamsRepository,
    PrincipalLoader,
    SignInLimiter,
    AuthService,
    UsersService,
    TeamsService,
    ApiKeysService,
    BrowserSessionsService,
    OidcService,
    LocalStrategy,
    JwtStrategy,
    ApiKeyStrategy,
    SessionStrategy,
    BootstrapAdmin,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
})
export class IdentityModule {}
