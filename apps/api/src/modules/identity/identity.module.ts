import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import type { Request } from 'express';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AccessGuard } from './auth/access.guard';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { PasswordHasher } from './auth/password-hasher';
import { PrincipalLoader } from './auth/principal.loader';
import { ApiKeyStrategy, JwtStrategy, LocalStrategy } from './auth/strategies';
import { BootstrapAdmin } from './bootstrap-admin';
import { TeamsController } from './teams/teams.controller';
import { TeamsService } from './teams/teams.service';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';

/** People, teams, roles and machine keys; sign-in; the global access guard. */
@Module({
  imports: [
    PassportModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ secret: config.auth.jwtSecret, signOptions: { algorithm: 'HS256' } }),
    }),
    // Login attempts, counted per address and per account (the email tried), in this process's memory.
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const { perAccount, perAddress, windowSeconds } = config.auth.loginLimit;
        const ttl = windowSeconds * 1000;
        return {
          throttlers: [
            { name: 'address', ttl, limit: perAddress, getTracker: (req: Record<string, unknown>) => String((req as unknown as Request).ip) },
            {
              name: 'account',
              ttl,
              limit: perAccount,
              getTracker: (req: Record<string, unknown>) => String((req as unknown as Request).body?.email ?? '').trim().toLowerCase(),
            },
          ],
        };
      },
    }),
  ],
  controllers: [AuthController, UsersController, TeamsController, ApiKeysController],
  providers: [
    PasswordHasher,
    PrincipalLoader,
    AuthService,
    UsersService,
    TeamsService,
    ApiKeysService,
    LocalStrategy,
    JwtStrategy,
    ApiKeyStrategy,
    BootstrapAdmin,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
})
export class IdentityModule {}
