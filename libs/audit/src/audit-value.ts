import { printableKey, textProblem } from '@app/errors';

/**
 * What the writer may hash: only values that PostgreSQL gives back exactly as
 * they were written, so that every verifier recomputes the same hash later.
 * Anything else is refused with UnstorableAuditValueError — a programming
 * error in the caller, since the HTTP edge already refuses such input with a
 * 422. Refusing is the point: a value silently changed on the way into the
 * database is a hash mismatch that looks like tampering, for ever.
 */
export class UnstorableAuditValueError extends Error {
  override name = 'UnstorableAuditValueError';
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`Audit event refused: ${path} ${problem}.`);
  }
}

/**
 * Why PostgreSQL would not give this text back identically, or undefined: the
 * same text rule the HTTP edge applies, here as the writer's last line of defence.
 */
export const unstorableTextProblem = textProblem;

/**
 * The payload as PostgreSQL's jsonb will give it back: through JSON once, so
 * dates become strings, undefined members disappear and -0 becomes 0 (JSON
 * and RFC 8785 know no negative zero). Numbers that would not come back as
 * the same JSON are refused: NaN and the infinities (JSON.stringify would
 * write null), and magnitudes of 1e21 and above (JavaScript writes them with
 * an exponent, jsonb gives them back as plain integers, and a verifier in
 * another language would then hash a different text).
 */
export function toJsonPayload(value: Record<string, unknown>): Record<string, unknown> {
  const text = JSON.stringify(value, (key, item: unknown) => {
    if (typeof item === 'number' && (!Number.isFinite(item) || Math.abs(item) >= 1e21)) {
      const where = key ? `the payload member "${key}"` : 'the payload';
      throw new UnstorableAuditValueError(where, `holds the number ${item}, which would not read back as the same JSON number (record it as a string)`);
    }
    return item;
  });
  return JSON.parse(text) as Record<string, unknown>;
}

/**
 * Checks every string and member name of plain JSON-like content, naming the
 * first bad one by its dotted path (`payload.after.name`). Walks with an
 * explicit stack, so depth cannot overflow the call stack.
 */
export function assertStorableText(content: Record<string, unknown>): void {
  const pending: { value: unknown; path: string }[] = Object.entries(content).map(([key, value]) => ({ value, path: key }));
  while (pending.length > 0) {
    const { value, path } = pending.pop()!;
    if (typeof value === 'string') {
      const problem = unstorableTextProblem(value);
      if (problem) throw new UnstorableAuditValueError(path, problem);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        const problem = Array.isArray(value) ? undefined : unstorableTextProblem(key);
        if (problem) throw new UnstorableAuditValueError(`${path}.${printableKey(key)}`, problem);
        pending.push({ value: item, path: `${path}.${key}` });
      }
    }
  }
}
