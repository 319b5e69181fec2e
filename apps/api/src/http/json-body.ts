import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import { BodyNotAnObjectError, BodyTooDeepError, inputProblems, ValidationFailedError } from '@app/errors';

/** Far deeper than any request this API takes (a gate policy document is about eight levels). */
export const MAX_JSON_DEPTH = 64;

/**
 * Far longer than any list this API takes (a policy lists a few dozen checklist
 * items). A list of 100,000 items fits in the body limit, but validating it
 * item by item would block the event loop and answer one error per item.
 */
export const MAX_JSON_ARRAY_ITEMS = 1_000;

export type SendProblem = (req: Request, res: Response, error: unknown) => void;

/**
 * Parses JSON bodies, then refuses what parsed but cannot be a request before
 * anything else looks at it: a body that is not an object or array; a value
 * nested deeper than MAX_JSON_DEPTH (the validators, the logger and the
 * idempotency hash all recurse, and would overflow the stack); and text that
 * breaks the text rule (see inputProblems). This runs before the guards,
 * because some of them read the body (sign-in reads the email), so the rule
 * is applied here for bodies and by TextRulePipe for query strings and path
 * parameters. Every refusal is answered here in problem+json, since it
 * happens before Nest's filters.
 */
export function parseJsonBody(limitBytes: number, sendProblem: SendProblem): RequestHandler {
  // Not strict, so that `null` parses and is refused as not an object, rather than called malformed JSON.
  const parse = express.json({ limit: limitBytes, strict: false, type: ['application/json', 'application/*+json'] });
  return (req: Request, res: Response, next: NextFunction) =>
    parse(req, res, (error?: unknown) => {
      const refusal = error ?? parsedBodyProblem(req.body);
      if (refusal) return sendProblem(req, res, refusal);
      next();
    });
}

/** Undefined when nothing was parsed (no body, or not JSON) or the body is fine. */
function parsedBodyProblem(body: unknown): Error | undefined {
  if (body === undefined) return undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return new BodyNotAnObjectError(body);
  if (exceedsDepth(body, MAX_JSON_DEPTH)) return new BodyTooDeepError(MAX_JSON_DEPTH);
  const longList = firstLongArray(body, MAX_JSON_ARRAY_ITEMS);
  if (longList !== undefined) {
    return new ValidationFailedError([{ field: longList, detail: `a list in a request holds at most ${MAX_JSON_ARRAY_ITEMS} items` }]);
  }
  const problems = inputProblems(body);
  return problems.length ? new ValidationFailedError(problems) : undefined;
}

/** Whether objects and arrays nest more than `maxDepth` levels; iterative, so no depth can overflow it. */
export function exceedsDepth(value: unknown, maxDepth: number): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (pending.length) {
    const { value: current, depth } = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth + 1 > maxDepth) return true;
    for (const child of Object.values(current)) pending.push({ value: child, depth: depth + 1 });
  }
  return false;
}

/** The dotted path of the first array longer than `maxItems`, or undefined; iterative like exceedsDepth. */
export function firstLongArray(value: unknown, maxItems: number): string | undefined {
  const pending: { value: unknown; path: string }[] = [{ value, path: '' }];
  while (pending.length) {
    const { value: current, path } = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (Array.isArray(current) && current.length > maxItems) return path || '(body)';
    for (const [key, child] of Object.entries(current)) pending.push({ value: child, path: path ? `${path}.${key}` : key });
  }
  return undefined;
}
