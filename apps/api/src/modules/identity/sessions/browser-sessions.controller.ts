import { Controller, Delete, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '@app/auth';
import { ApiProblems } from '@app/errors';
import { SecretRequest, SecretResponse } from '../../../idempotency/secret-route.decorators';
import type { SignedIn } from '../auth/auth.service';
import { LoginDto } from '../auth/dto/login.dto';
import { CurrentSignIn, LocalAuthGuard } from '../auth/local-auth.guard';
import { BrowserSessionsService } from './browser-sessions.service';
import { BrowserSessionResponse } from './dto/browser-session.response';
import { clearSessionCookie, readSessionToken, SESSION_COOKIE, setSessionCookie } from './session-cookie';
import { CSRF_HEADER } from './session-token';

/**
 * The web app's sign-in: an httpOnly cookie instead of a token in the page.
 * Public routes that read the cookie themselves: signing out must work, and
 * clear the cookie, even when the session has already ended.
 */
@ApiTags('auth')
@Controller('api/auth/session')
export class BrowserSessionsController {
  constructor(private readonly sessions: BrowserSessionsService) {}

  @Post()
  @HttpCode(200)
  @Public()
  @UseGuards(LocalAuthGuard)
  @SecretRequest()
  @SecretResponse('csrfToken')
  @ApiBody({ type: LoginDto })
  @ApiOperation({
    summary: `Sign in with email and password for a browser session: sets the httpOnly cookie ${SESSION_COOKIE} (limited as POST /api/auth/login)`,
  })
  @ApiOkResponse({
    type: BrowserSessionResponse,
    headers: { 'Set-Cookie': { description: `${SESSION_COOKIE}=<token>; Max-Age=<session lifetime>; Path=/; HttpOnly; SameSite=Strict (and Secure over https)`, schema: { type: 'string' } } },
  })
  @ApiProblems(400, 401, 403, 422, 429)
  async start(@CurrentSignIn() signedIn: SignedIn, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const { token, view } = await this.sessions.start(signedIn);
    setSessionCookie(req, res, token, this.sessions.cookieMaxAgeSeconds);
    return view;
  }

  @Get()
  @Public()
  @SecretResponse('csrfToken')
  @ApiOperation({ summary: "The cookie's session, with its CSRF token again (after a reload of the web app)" })
  @ApiOkResponse({ type: BrowserSessionResponse })
  @ApiProblems(401)
  current(@Req() req: Request) {
    return this.sessions.current(readSessionToken(req));
  }

  @Delete()
  @HttpCode(204)
  @Public()
  @ApiHeader({ name: CSRF_HEADER, required: false, description: 'The session\'s csrfToken; required while the session is valid' })
  @ApiOperation({ summary: 'Sign out: ends the cookie\'s session and clears the cookie (204 also when there was no session)' })
  @ApiNoContentResponse({ description: 'Signed out; the cookie is cleared (Max-Age=0)' })
  @ApiProblems(403)
  async signOut(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    await this.sessions.signOut(readSessionToken(req), req.get(CSRF_HEADER));
    clearSessionCookie(req, res);
  }
}
