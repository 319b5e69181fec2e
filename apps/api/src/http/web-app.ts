import { existsSync } from 'node:fs';
import * as path from 'node:path';
import express, { NextFunction, Request, Response } from 'express';

/** Where `npm run build` puts the web app (apps/web); npm scripts and the container run from the package root. */
export const WEB_APP_DIRECTORY = path.resolve(process.cwd(), 'dist', 'web');

/**
 * Addresses the app's page never answers: the API's, and files (an asset named by an
 * older build must be a 404, not a page the browser would try to run as a script).
 */
const NOT_PAGES = /^\/(api|health|assets)(\/|$)|\.[a-z0-9]+$/i;

/**
 * Serves the built web app at `/`: its hashed assets for a year (a new build has
 * new names), and index.html, never cached, for any other page address, so a deep
 * link (a review's URL sent by email) opens the app on that page. Returns false
 * when the web app has not been built; the API works without it.
 */
export function serveWebApp(app: { use: (handler: express.RequestHandler) => unknown }, directory = WEB_APP_DIRECTORY): boolean {
  const indexFile = path.join(directory, 'index.html');
  if (!existsSync(indexFile)) return false;
  app.use(
    express.static(directory, {
      index: false,
      redirect: false,
      setHeaders: (res, file) => {
        const hashed = file.startsWith(path.join(directory, 'assets') + path.sep);
        res.setHeader('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_PAGES.test(req.path) || !asksForAPage(req)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexFile);
  });
  return true;
}

/** A browser opening a page says text/html outright; a client that accepts anything (or says nothing) gets the API's answer. */
function asksForAPage(req: Request): boolean {
  return /(^|,)\s*text\/html\b/i.test(req.headers.accept ?? '');
}
