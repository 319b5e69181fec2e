import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Request } from 'express';
import { toFieldErrors, ValidationFailedError } from '@app/errors';
import { LoginDto } from './dto/login.dto';

/**
 * Runs the Passport local strategy, after checking the body's shape: guards
 * run before pipes, so without this a missing field would be a bare 401.
 */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const body = context.switchToHttp().getRequest<Request>().body;
    const errors = await validate(plainToInstance(LoginDto, body ?? {}), { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length) throw new ValidationFailedError(toFieldErrors(errors));
    return (await super.canActivate(context)) as boolean;
  }

  override handleRequest<T>(error: unknown, userId: T): T {
    if (error) throw error;
    return userId;
  }
}
