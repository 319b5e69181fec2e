/**
 * JSON text written by hand, for bodies JSON.stringify cannot produce: a
 * fragment inserted verbatim (deep nesting, `-0`, `1e400`), objects with
 * duplicate keys or an own `__proto__` key, in the order given.
 */
export class Raw {
  constructor(readonly text: string) {}
}

export class Entries {
  constructor(readonly entries: [string, unknown][]) {}
}

export type JsonLike = unknown;

/**
 * Serialises without recursion limits of its own beyond the value's depth
 * (deep values are Raw fragments). Strings go through JSON.stringify, which
 * writes a lone surrogate as its `\ud800` escape, U+0000 as `\u0000`.
 */
export function toJsonText(value: JsonLike): string {
  if (value instanceof Raw) return value.text;
  if (value instanceof Entries) return `{${value.entries.map(([key, item]) => `${JSON.stringify(key)}:${toJsonText(item)}`).join(',')}}`;
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : toJsonText(item))).join(',')}]`;
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    if (value === undefined) return 'null';
    return JSON.stringify(value);
  }
  return `{${Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .map(([key, item]) => `${JSON.stringify(key)}:${toJsonText(item)}`)
    .join(',')}}`;
}

/** A deep copy of plain JSON data (the examples), so mutations never touch the original. */
export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export type JsonPath = (string | number)[];

/** Every path into objects and arrays of `value`, the root ([]) first. */
export function pathsOf(value: unknown, prefix: JsonPath = [], out: JsonPath[] = []): JsonPath[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((item, index) => pathsOf(item, [...prefix, index], out));
  else if (value !== null && typeof value === 'object' && !(value instanceof Raw) && !(value instanceof Entries)) {
    for (const [key, item] of Object.entries(value)) pathsOf(item, [...prefix, key], out);
  }
  return out;
}

export function getAt(root: unknown, path: JsonPath): unknown {
  let current = root as Record<string | number, unknown> | undefined;
  for (const key of path) current = current?.[key] as Record<string | number, unknown> | undefined;
  return current;
}

/** Replaces the value at `path` (not the root); `undefined` removes an object member. */
export function setAt(root: unknown, path: JsonPath, value: unknown): void {
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  const key = path[path.length - 1];
  if (value === undefined && !Array.isArray(parent)) delete parent[key];
  else Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A short, printable summary of a body for the report. */
export function summarize(text: string, max = 240): string {
  const escaped = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (escaped.length <= max) return escaped;
  return `${escaped.slice(0, max - 60)} …(${text.length} chars)… ${escaped.slice(-40)}`;
}
