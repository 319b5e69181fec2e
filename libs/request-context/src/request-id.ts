import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** A caller-supplied id is kept only when it is short and plain, so it is safe in logs. */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id (the caller's, when acceptable, for tracing across
 * services) and returns it in a response header. Logs and audit events carry it.
 */
export function assignRequestId(req: Request, res: Response, next: NextFunction) {
  const offered = req.get(REQUEST_ID_HEADER);
  const id = offered && ACCEPTABLE_REQUEST_ID.test(offered) ? offered : randomUUID();
  (req as Request & { id: string }).id = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  next();
}
