import { parse, serialize, SerializeOptions } from 'cookie';
import type { Request, Response } from 'express';
import { isSessionToken } from './session-token';

/** The cookie that carries a browser session's token. */
export const SESSION_COOKIE = 'gatehouse_session';

/**
 * HttpOnly: no script reads it. SameSite=Strict: no other site's page sends it.
 * Secure whenever the request came over TLS (or a trusted proxy says https), so a
 * cookie set over https never travels over plain http; a development server on
 * http://127.0.0.1 still works.
 */
function attributes(req: Request, maxAgeSeconds: number): SerializeOptions {
  return { httpOnly: true, sameSite: 'strict', path: '/', secure: req.secure, maxAge: maxAgeSeconds };
}

/** The session's token from the request's cookie, when it has one that Gatehouse could have issued. */
export function readSessionToken(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  const token = parse(header)[SESSION_COOKIE];
  return isSessionToken(token) ? token : undefined;
}

export function setSessionCookie(req: Request, res: Response, token: string, maxAgeSeconds: number): void {
  res.append('Set-Cookie', serialize(SESSION_COOKIE, token, attributes(req, maxAgeSeconds)));
}

/** Tells the browser to drop the cookie (Max-Age=0). */
export function clearSessionCookie(req: Request, res: Response): void {
  res.append('Set-Cookie', serialize(SESSION_COOKIE, '', attributes(req, 0)));
}
