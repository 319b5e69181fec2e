import { createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Request, Response } from 'express';
import { toFieldErrors, UnauthorizedError, ValidationFailedError } from '@app/errors';
import type { SignedIn } from './auth.service';
import { LoginDto } from './dto/login.dto';
import { SignInLimiter, TooManySignInAttempts } from './sign-in-limiter';

/**
 * Runs the Passport local strategy, after checking the body's shape (guards
 * run before pipes, so without this a missing field would be a bare 401) and
 * the sign-in limits, which count the attempts that fail on their credentials.
 */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  constructor(private readonly limiter: SignInLimiter) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const body = plainToInstance(LoginDto, req.body ?? {});
    const errors = await validate(body, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length) throw new ValidationFailedError(toFieldErrors(errors));

    const attempt = this.takePlace(req.ip ?? 'unknown', body.email, context.switchToHttp().getResponse<Response>());
    try {
      const signedIn = (await super.canActivate(context)) as boolean;
      this.limiter.giveBack(attempt);
      return signedIn;
    } catch (error) {
      if (!(error instanceof UnauthorizedError)) this.limiter.giveBack(attempt);
      throw error;
    }
  }

  override handleRequest<T>(error: unknown, signedIn: T): T {
    if (error) throw error;
    return signedIn;
  }

  private takePlace(address: string, email: string, res: Response) {
    try {
      return this.limiter.take(address, email);
    } catch (error) {
      if (error instanceof TooManySignInAttempts) res.setHeader('Retry-After', String(error.retryAfterSeconds));
      throw error;
    }
  }
}

/** The user a successful sign-in authenticated, and when (see AuthService.signIn). */
export const CurrentSignIn = createParamDecorator((_data: unknown, context: ExecutionContext): SignedIn => {
  return context.switchToHttp().getRequest<Request & { user: SignedIn }>().user;
});
