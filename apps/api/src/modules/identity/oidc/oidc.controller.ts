import { Controller, Get, Logger, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { parse, serialize } from 'cookie';
import type { Request, Response } from 'express';
import { Public } from '@app/auth';
import { BrowserSessionsService } from '../sessions/browser-sessions.service';
import { SESSION_COOKIE, setSessionCookie } from '../sessions/session-cookie';
import { OidcProviderResponse } from './dto/oidc-provider.response';
import { OidcService, SsoFailure } from './oidc.service';

/**
 * Binds a started sign-in to the browser that started it: without it, someone could
 * send a victim the callback URL of a sign-in they started and sign the victim in as
 * themselves. SameSite=Lax because the provider's redirect back is a cross-site
 * top-level GET; only the OIDC routes receive it.
 */
const STATE_COOKIE = 'gatehouse_oidc_state';
const STATE_COOKIE_PATH = '/api/auth/oidc';
const LOCATION = { description: 'Where the browser goes next', schema: { type: 'string' } };

/**
 * Single sign-on through OpenID Connect. Public routes that answer with redirects:
 * a refusal goes to the web app's sign-in page with `sso_error=<code>`, never a 500.
 */
@ApiTags('auth')
@Controller('api/auth')
export class OidcController {
  private readonly logger = new Logger(OidcController.name);

  constructor(
    private readonly oidc: OidcService,
    private readonly sessions: BrowserSessionsService,
  ) {}

  @Get('providers')
  @Public()
  @ApiOperation({ summary: 'The single sign-on providers the sign-in page offers (none unless GATEHOUSE_OIDC_PROVIDERS is set)' })
  @ApiOkResponse({ type: OidcProviderResponse, isArray: true })
  providers(): OidcProviderResponse[] {
    return this.oidc.providers();
  }

  @Get('oidc/:id/start')
  @Public()
  @ApiParam({ name: 'id', description: "The provider's id", schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,39}$' } })
  @ApiQuery({ name: 'next', required: false, description: 'A path on this site to go to once signed in (anything else: /)' })
  @ApiOperation({ summary: "Starts a single sign-on: redirects to the provider's sign-in (authorization code with PKCE, state and nonce)" })
  @ApiResponse({
    status: 302,
    description: "To the provider's authorization endpoint; or to /sign-in?sso_error=<code> (unknown_provider, provider_unavailable)",
    headers: { Location: LOCATION, 'Set-Cookie': { description: `${STATE_COOKIE}=<state>; Path=${STATE_COOKIE_PATH}; HttpOnly; SameSite=Lax`, schema: { type: 'string' } } },
  })
  async start(@Param('id') id: string, @Query('next') next: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      const { authorizationUrl, state } = await this.oidc.start(id, next);
      res.append('Set-Cookie', serialize(STATE_COOKIE, state, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: STATE_COOKIE_PATH, maxAge: this.oidc.stateCookieMaxAgeSeconds }));
      res.redirect(302, authorizationUrl);
    } catch (error) {
      await this.refuse(id, error, req, res);
    }
  }

  @Get('oidc/:id/callback')
  @Public()
  @ApiParam({ name: 'id', description: "The provider's id", schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,39}$' } })
  @ApiOperation({ summary: "The provider's answer: checks state, exchanges the code, validates the id_token, provisions and maps the user, starts a browser session" })
  @ApiResponse({
    status: 302,
    description: `To the sign-in's next path with the ${SESSION_COOKIE} cookie set (as POST /api/auth/session sets it); or to /sign-in?sso_error=<code> (state_invalid, provider_error, code_rejected, id_token_invalid, provider_unavailable, account_conflict, deactivated, unknown_provider)`,
    headers: { Location: LOCATION, 'Set-Cookie': { description: `${SESSION_COOKIE}=<token>; … (signed in only)`, schema: { type: 'string' } } },
  })
  async callback(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const cookieState = req.headers.cookie ? parse(req.headers.cookie)[STATE_COOKIE] : undefined;
    try {
      const url = new URL(req.originalUrl, `${this.oidc.publicUrl}/`);
      const { signedIn, next } = await this.oidc.callback(id, url, cookieState);
      const { token } = await this.sessions.start(signedIn);
      res.append('Set-Cookie', serialize(STATE_COOKIE, '', { httpOnly: true, sameSite: 'lax', secure: req.secure, path: STATE_COOKIE_PATH, maxAge: 0 }));
      setSessionCookie(req, res, token, this.sessions.cookieMaxAgeSeconds);
      res.redirect(302, next);
    } catch (error) {
      await this.refuse(id, error, req, res);
    }
  }

  /** Every refusal: recorded as auth.login_failed (method oidc) and sent to the sign-in page with its code. */
  private async refuse(id: string, error: unknown, req: Request, res: Response): Promise<void> {
    const failure = error instanceof SsoFailure ? error : new SsoFailure('sign_in_failed', error instanceof Error ? error.message : String(error));
    if (!(error instanceof SsoFailure)) this.logger.error(`Single sign-on through ${id} failed unexpectedly: ${failure.reason}`);
    try {
      await this.oidc.recordFailure(id, failure);
    } catch (recordError) {
      this.logger.error(`Could not record a refused single sign-on: ${(recordError as Error).message}`);
    }
    res.append('Set-Cookie', serialize(STATE_COOKIE, '', { httpOnly: true, sameSite: 'lax', secure: req.secure, path: STATE_COOKIE_PATH, maxAge: 0 }));
    res.redirect(302, `/sign-in?sso_error=${encodeURIComponent(failure.code)}`);
  }
}
