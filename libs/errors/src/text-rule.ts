import { FieldError } from './domain-error';

/**
 * Member names that reach an object's prototype machinery. A request never
 * needs them, and letting them through invites prototype pollution in any
 * code that copies or merges the input.
 */
export const RESERVED_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** Enough to name what is wrong without echoing a whole hostile payload back. */
const MAX_REPORTED = 20;

const NUL = /\u0000/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_UNIT = new RegExp(`${NUL.source}|${LONE_SURROGATE.source}`, 'g');

/**
 * Why a text cannot be stored exactly as given, or undefined when it can.
 * PostgreSQL refuses U+0000 in text and jsonb, and replaces an unpaired
 * UTF-16 surrogate with U+FFFD, so the stored value would no longer be the
 * one the audit trail hashed.
 */
export function textProblem(text: string): string | undefined {
  if (NUL.test(text)) return 'holds U+0000 (a NUL character), which cannot be stored';
  if (LONE_SURROGATE.test(text)) return 'holds an unpaired UTF-16 surrogate, which is not a Unicode character';
  return undefined;
}

/**
 * Every string and object key in `value` checked against the text rule, and
 * every key against the reserved names, each problem with its dotted field
 * path (`conditions.0.description`). Walks with an explicit stack, so a deep
 * value cannot overflow the call stack.
 */
export function inputProblems(value: unknown, root = ''): FieldError[] {
  const problems: FieldError[] = [];
  const pending: { value: unknown; path: string }[] = [{ value, path: root }];
  while (pending.length && problems.length < MAX_REPORTED) {
    const { value: current, path } = pending.pop()!;
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) problems.push({ field: path, detail: `${path || 'the value'} ${problem}` });
    } else if (typeof current === 'object' && current !== null) {
      const children: typeof pending = [];
      for (const [key, item] of Object.entries(current)) {
        const isIndex = Array.isArray(current);
        const field = join(path, isIndex ? key : printableKey(key));
        const problem = isIndex ? undefined : keyProblem(key);
        if (problem) problems.push({ field, detail: `the member name ${field} ${problem}` });
        else children.push({ value: item, path: field });
      }
      // Last child on the stack first, so problems come out in document order.
      for (let index = children.length - 1; index >= 0; index--) pending.push(children[index]);
    }
  }
  return problems.slice(0, MAX_REPORTED);
}

function keyProblem(key: string): string | undefined {
  if (RESERVED_KEYS.includes(key)) return 'is reserved and never accepted';
  return textProblem(key);
}

const join = (path: string, segment: string) => (path ? `${path}.${segment}` : segment);

/** A key (or any text) as it can be shown in a field path or message: NUL and lone surrogates as \uXXXX escapes. */
export function printableKey(key: string): string {
  if (!textProblem(key)) return key;
  return key.replace(UNSTORABLE_UNIT, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
