import { clone, Entries, getAt, JsonPath, pathsOf, Raw, setAt, toJsonText } from './json-text';
import { deepNesting, hostileNumber, hostileString, PROTOTYPE_KEYS, prototypeValue, wrongType } from './hostile-values';
import { Schema, schemaAt } from './openapi';
import { Prng } from './prng';

export interface MutatedBody {
  label: string;
  bytes: Buffer;
}

type Mutation = (prng: Prng, body: { root: unknown }, schema: Schema) => string;

const describePath = (path: JsonPath) => (path.length ? path.join('.') : '(root)');

/** Non-root paths of the body whose schema says `type` (any non-root path when none does). */
function pathsOfType(root: unknown, schema: Schema, test: (s: Schema | undefined, value: unknown) => boolean): JsonPath[] {
  const all = pathsOf(root).filter((path) => path.length > 0);
  const typed = all.filter((path) => test(schemaAt(schema, path), getAt(root, path)));
  return typed.length ? typed : all.length ? all : [[]];
}

function objectPaths(root: unknown): JsonPath[] {
  return pathsOf(root).filter((path) => {
    const value = getAt(root, path);
    return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Raw) && !(value instanceof Entries);
  });
}

/** Puts `value` at `path`, or makes it the whole body when the path is the root. */
function put(body: { root: unknown }, path: JsonPath, value: unknown) {
  if (path.length === 0) body.root = value;
  else setAt(body.root, path, value);
}

const MUTATIONS: [number, string, Mutation][] = [
  [6, 'wrong type', (prng, body, schema) => {
    const path = prng.pick(pathsOf(body.root));
    put(body, path, wrongType(prng, schemaAt(schema, path)?.type));
    return describePath(path);
  }],
  [5, 'null', (prng, body) => {
    const path = prng.chance(0.1) ? [] : prng.pick(pathsOfType(body.root, schema0, () => true));
    put(body, path, null);
    return describePath(path);
  }],
  [5, 'missing required', (prng, body, schema) => {
    const candidates = objectPaths(body.root).filter((path) => (schemaAt(schema, path)?.required ?? []).length > 0);
    if (!candidates.length) return 'nothing required';
    const path = prng.pick(candidates);
    const key = prng.pick(schemaAt(schema, path)!.required!);
    const parent = getAt(body.root, path) as Record<string, unknown>;
    delete parent[key];
    return describePath([...path, key]);
  }],
  [8, 'hostile string', (prng, body, schema) => {
    const path = prng.pick(pathsOfType(body.root, schema, (s, value) => s?.type === 'string' || typeof value === 'string'));
    const value = hostileString(prng);
    put(body, path, value);
    return `${describePath(path)} = ${JSON.stringify(value.slice(0, 24))}${value.length > 24 ? `…(${value.length})` : ''}`;
  }],
  [5, 'edge number', (prng, body, schema) => {
    const path = prng.pick(pathsOfType(body.root, schema, (s, value) => s?.type === 'number' || s?.type === 'integer' || typeof value === 'number'));
    const value = hostileNumber(prng);
    put(body, path, value);
    return `${describePath(path)} = ${value.text}`;
  }],
  [3, 'deep nesting', (prng, body) => {
    const path = prng.chance(0.2) ? [] : prng.pick(pathsOf(body.root));
    const value = deepNesting(prng);
    put(body, path, value);
    return `${describePath(path)}, ${value.text.length} chars`;
  }],
  [4, 'prototype key', (prng, body) => {
    const path = prng.pick(objectPaths(body.root).length ? objectPaths(body.root) : [[]]);
    const target = getAt(body.root, path);
    const key = prng.pick(PROTOTYPE_KEYS);
    const entries = Object.entries((target ?? {}) as Record<string, unknown>);
    entries.splice(prng.int(0, entries.length), 0, [key, prng.pick<unknown>([{ polluted: true }, { prototype: { polluted: true } }, 'x', null, 1])]);
    put(body, path, new Entries(entries));
    return `${describePath([...path, key])}`;
  }],
  [3, 'prototype value', (prng, body) => {
    const path = prng.pick(pathsOf(body.root).filter((p) => p.length > 0).concat([[]]));
    put(body, path, prototypeValue(prng));
    return describePath(path);
  }],
  [4, 'duplicate key', (prng, body) => {
    const paths = objectPaths(body.root).filter((path) => Object.keys(getAt(body.root, path) as object).length > 0);
    if (!paths.length) return 'no object';
    const path = prng.pick(paths);
    const entries = Object.entries(getAt(body.root, path) as Record<string, unknown>);
    const [key, value] = prng.pick(entries);
    const other = prng.pick<unknown>([null, { x: 1 }, hostileString(prng), 1, [value, value]]);
    entries.push(prng.chance(0.5) ? [key, other] : [key, value]);
    if (prng.chance(0.5)) entries.unshift([key, other]);
    put(body, path, new Entries(entries));
    return describePath([...path, key]);
  }],
  [4, 'enum near miss', (prng, body, schema) => {
    const paths = pathsOf(body.root).filter((path) => path.length && schemaAt(schema, path)?.enum);
    if (!paths.length) return 'no enum';
    const path = prng.pick(paths);
    const value = String(getAt(body.root, path));
    const miss = prng.pick([value.toUpperCase(), `${value} `, ` ${value}`, value.slice(0, -1), `${value}\u0000`, '', 'constructor', '__proto__', value.normalize('NFD') + '\u0301']);
    put(body, path, miss);
    return `${describePath(path)} = ${JSON.stringify(miss)}`;
  }],
  [2, 'extra property', (prng, body) => {
    const path = prng.pick(objectPaths(body.root).length ? objectPaths(body.root) : [[]]);
    const target = getAt(body.root, path);
    if (target && typeof target === 'object') setAt(target, [prng.pick(['extra', 'id', 'isAdmin', 'createdBy', 'revision', 'seq', 'hash'])], prng.pick<unknown>(['x', 1, null, true]));
    return describePath(path);
  }],
  [2, 'huge array', (prng, body) => {
    const arrays = pathsOf(body.root).filter((path) => Array.isArray(getAt(body.root, path)));
    const path = arrays.length ? prng.pick(arrays) : prng.pick(pathsOf(body.root));
    const current = getAt(body.root, path);
    const item = Array.isArray(current) && current.length ? current[0] : 'x';
    const count = prng.pick([1000, 20_000, 100_000]);
    put(body, path, new Raw(`[${Array(count).fill(toJsonText(item)).join(',')}]`));
    return `${describePath(path)} × ${count}`;
  }],
  [2, 'empty values', (prng, body) => {
    const path = prng.pick(pathsOf(body.root));
    put(body, path, prng.pick<unknown>(['', [], {}, 0, false]));
    return describePath(path);
  }],
  [2, 'date out of range', (prng, body) => {
    const path = prng.pick(pathsOfType(body.root, schema0, (_s, value) => typeof value === 'string'));
    const value = prng.pick(['0001-01-01', '+300000-01-01', '300000-01-01T00:00:00Z', '2027-02-30', '2027-13-01', 'yesterday', '-000001-01-01']);
    put(body, path, value);
    return `${describePath(path)} = ${value}`;
  }],
];
const schema0: Schema = {};

/** Whole bodies that are not the object a route takes. */
const WHOLE_BODIES = [
  'null', '[]', '[{}]', '"text"', '123', 'true', '{}', '', ' ', '{', '{"a":', '{"a":1,}', "{'a':1}", '{"a":NaN}', '{"a":1} // note',
  '{"a":1}{"b":2}', '\ufeff{}', '{"a":"\\x41"}', '{"a":"\\u12"}', '{"a":"\\ud800"}', '{"a":"\\udfff\\ud800"}', '{"\\u0000":1}', '{"a":"\\u0000"}', '"\\ud800"',
];

/** Bytes that are not UTF-8, placed inside a string value. */
const INVALID_UTF8 = [Buffer.from([0xff]), Buffer.from([0xc3, 0x28]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xc0, 0x80]), Buffer.from([0xf4, 0x90, 0x80, 0x80]), Buffer.from([0xe2, 0x82])];

/**
 * One mutation of a valid example (sometimes two or three stacked), as the
 * bytes of a JSON text; `label` says what was changed for the report.
 */
export function mutateBody(prng: Prng, example: unknown, schema: Schema): MutatedBody {
  const roll = prng.next();
  if (roll < 0.04) return { label: 'valid example', bytes: Buffer.from(toJsonText(example)) };
  if (roll < 0.1) {
    const text = prng.pick(WHOLE_BODIES);
    return { label: `whole body ${JSON.stringify(text)}`, bytes: Buffer.from(text) };
  }
  if (roll < 0.14) {
    const marker = '\ue000fuzz\ue000';
    const body = { root: clone(example) };
    const paths = pathsOfType(body.root, schema, (_s, value) => typeof value === 'string');
    const path = paths.length ? prng.pick(paths) : [];
    put(body, path, marker);
    const bad = prng.pick(INVALID_UTF8);
    const [before, after] = toJsonText(body.root).split(marker);
    return { label: `invalid UTF-8 ${bad.toString('hex')} at ${describePath(path)}`, bytes: Buffer.concat([Buffer.from(before), bad, Buffer.from(after ?? '')]) };
  }
  const body = { root: clone(example) };
  const labels: string[] = [];
  const count = prng.weighted([[8, 1], [2, 2], [1, 3]] as const);
  for (let i = 0; i < count; i++) {
    const [name, mutate] = prng.weighted(MUTATIONS.map(([weight, label, fn]) => [weight, [label, fn]] as const));
    labels.push(`${name}: ${mutate(prng, body, schema)}`);
  }
  return { label: labels.join('; '), bytes: Buffer.from(toJsonText(body.root)) };
}
