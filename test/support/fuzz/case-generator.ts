import { gzipSync } from 'node:zlib';
import { mutateBody } from './body-mutations';
import { hostilePathValue, hostileQueryValue } from './hostile-values';
import { summarize, toJsonText } from './json-text';
import { multipartForJsonRoute, multipartUpload } from './multipart';
import { exampleOf, Operation, QueryParameter } from './openapi';
import { Prng } from './prng';
import { FuzzWorld } from './fuzz-world';

export interface FuzzCase {
  index: number;
  route: string;
  method: string;
  /** Path and query string, exactly as on the request line. */
  path: string;
  principal: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** What was fuzzed, for the report. */
  label: string;
  /** A path parameter was replaced by a value no route should accept (not an id, not a small integer). */
  hostilePath?: boolean;
}

/** Relative share of the requests; the rest get 1. Password hashing routes get fewer, the upload more. */
const ROUTE_WEIGHTS: Record<string, number> = {
  'POST /api/auth/login': 0.6,
  'POST /api/me/password': 0.5,
  'POST /api/users': 0.8,
  'GET /health/live': 0.3,
  'GET /health/ready': 0.3,
  'POST /api/use-cases/:id/evidence': 4,
  'POST /api/use-cases': 2,
  'PATCH /api/use-cases/:id': 2,
  'POST /api/gate-policies': 1.5,
  'POST /api/reviews/:reviewId/sign-offs': 1.5,
  'GET /api/audit/events': 1.5,
  'GET /api/use-cases': 1.5,
};

const BAD_CREDENTIALS: [string, Record<string, string>][] = [
  ['garbage bearer', { Authorization: 'Bearer garbage' }],
  ['alg none token', { Authorization: `Bearer ${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"00000000-0000-4000-8000-000000000000"}').toString('base64url')}.` }],
  ['empty bearer', { Authorization: 'Bearer ' }],
  ['basic auth', { Authorization: 'Basic YWRtaW46YWRtaW4=' }],
  ['huge bearer', { Authorization: `Bearer ${'a'.repeat(8000)}` }],
  ['garbage api key', { 'X-API-Key': 'gh_notakey' }],
  ['latin-1 api key', { 'X-API-Key': '\u00ff\u00fe' }],
];

const OTHER_CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/json; charset=nope', 'application/merge-patch+json', 'APPLICATION/JSON', 'application/json;;;', 'application/problem+json', 'application/xml', '*/*', 'application/'];

/** Path values a route may rightly accept (after trimming): a UUID in either case, a small positive integer, the valid value in another case. */
const ACCEPTABLE_PATH_VALUE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[1-9][0-9]{0,8})$/i;

const ZIP_BOMB = gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20));

function encodings(prng: Prng, body: Buffer): { label: string; encoding: string; bytes: Buffer } {
  const garbage = prng.bytes(prng.int(1, 512));
  const gzipped = gzipSync(body);
  return prng.pick([
    { label: 'gzip', encoding: 'gzip', bytes: gzipped },
    { label: 'gzip of garbage', encoding: 'gzip', bytes: garbage },
    { label: 'gzip cut short', encoding: 'gzip', bytes: gzipped.subarray(0, Math.max(1, gzipped.length >> 1)) },
    { label: 'gzip header then garbage', encoding: 'gzip', bytes: Buffer.concat([gzipped.subarray(0, 10), garbage]) },
    { label: 'gzip bomb 20 MB', encoding: 'gzip', bytes: ZIP_BOMB },
    { label: 'br of garbage', encoding: 'br', bytes: garbage },
    { label: 'deflate of garbage', encoding: 'deflate', bytes: garbage },
    { label: 'unknown encoding', encoding: 'x-fuzz', bytes: body },
    { label: 'gzip, br', encoding: 'gzip, br', bytes: gzipped },
    { label: 'identity', encoding: 'identity', bytes: body },
    { label: 'uppercase GZIP', encoding: 'GZIP', bytes: gzipped },
  ]);
}

function validQueryValue(prng: Prng, world: FuzzWorld, parameter: QueryParameter): string {
  const { schema, name } = parameter;
  if (schema.enum?.length) return String(prng.pick(schema.enum));
  if (schema.format === 'uuid' || /Id$|^team$/.test(name)) return world.someId(name, prng);
  if (schema.format === 'date-time') return prng.pick(['2020-01-01T00:00:00Z', '2100-01-01']);
  if (schema.type === 'number' || schema.type === 'integer') return String(prng.int(schema.minimum ?? 1, Math.min(schema.maximum ?? 3, 10)));
  if (name === 'q') return prng.pick(['claims', 'triage']);
  return prng.pick(['x', 'use_case']);
}

/**
 * The query string: valid values (or none) for the declared parameters, and
 * when `hostile`, one of them (two, now and then) replaced by a hostile value,
 * sometimes repeated or in bracket form.
 */
function queryString(prng: Prng, world: FuzzWorld, op: Operation, hostile: boolean): { text: string; label: string } {
  const pairs: string[] = [];
  const labels: string[] = [];
  const targets = new Set<string>();
  if (hostile && op.query.length) {
    targets.add(prng.pick(op.query).name);
    if (prng.chance(0.2)) targets.add(prng.pick(op.query).name);
  }
  for (const parameter of op.query) {
    if (targets.has(parameter.name)) {
      const value = hostileQueryValue(prng, parameter.name);
      const shape = prng.weighted([[8, 'plain'], [1, 'repeated'], [1, 'bracket']] as const);
      if (shape === 'repeated') pairs.push(`${parameter.name}=${value}`, `${parameter.name}=${encodeURIComponent(validQueryValue(prng, world, parameter))}`);
      else if (shape === 'bracket') pairs.push(`${parameter.name}[${prng.pick(['', '0', '__proto__', 'a'])}]=${value}`);
      else pairs.push(`${parameter.name}=${value}`);
      labels.push(`${parameter.name}${shape === 'plain' ? '' : ` ${shape}`}=${summarize(decodeSafely(value), 60)}`);
    } else if (parameter.required || prng.chance(0.3)) {
      pairs.push(`${parameter.name}=${encodeURIComponent(validQueryValue(prng, world, parameter))}`);
    }
  }
  if (hostile && prng.chance(0.1)) {
    pairs.push(prng.pick(['__proto__[x]=1', 'constructor[prototype][x]=1', 'unknown=1', '=', '&&', 'a=%']));
    labels.push(`extra ${pairs[pairs.length - 1]}`);
  }
  return { text: pairs.length ? `?${pairs.join('&')}` : '', label: labels.join(', ') };
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function caseFor(prng: Prng, world: FuzzWorld, op: Operation, index: number): FuzzCase {
  const labels: string[] = [];
  // Who asks.
  const reachers = world.reachers(op.route);
  const who = prng.weighted([[76, 'reacher'], [8, 'anonymous'], [7, 'bad'], [9, 'other']] as const);
  let principal = who === 'reacher' ? prng.pick(reachers) : who === 'other' ? prng.pick(Object.keys(world.principals)) : 'anonymous';
  let headers: Record<string, string> = { ...world.principals[principal] };
  if (who === 'bad') {
    const [name, bad] = prng.pick(BAD_CREDENTIALS);
    principal = name;
    headers = { ...bad };
  }

  // What the mutation aims at; a valid request otherwise.
  const targets: [number, string][] = [[1, 'none']];
  if (op.pathParams.length) targets.push([4, 'path']);
  if (op.query.length) targets.push([4, 'query']);
  if (op.body) targets.push([op.body.kind === 'multipart' ? 14 : 9, 'body'], [1.5, 'content-type'], [1.5, 'encoding']);
  else targets.push([0.6, 'stray body']);
  targets.push([0.5, 'headers'], [0.3, 'method']);
  const target = prng.weighted(targets.map(([weight, name]) => [weight, name] as const));

  // Path.
  const params = world.validParams(op.route, prng);
  const mutateAll = target === 'path' && prng.chance(0.2);
  const mutated = target === 'path' ? (mutateAll ? op.pathParams : [prng.pick(op.pathParams)]) : [];
  let path = op.template;
  let hostilePath = false;
  for (const name of op.pathParams) {
    let value = encodeURIComponent(params[name] ?? prng.uuid());
    if (mutated.includes(name)) {
      value = hostilePathValue(prng, params[name]);
      labels.push(`:${name}=${summarize(decodeSafely(value), 60)}`);
      const meant = decodeSafely(value).trim();
      hostilePath ||= !ACCEPTABLE_PATH_VALUE.test(meant) && meant.toLowerCase() !== (params[name] ?? '').toLowerCase();
    }
    path = path.replace(`{${name}}`, value);
  }
  const query = queryString(prng, world, op, target === 'query');
  if (query.label) labels.push(`query ${query.label}`);
  path += query.text;

  // Body.
  let method = op.method;
  let body: Buffer | undefined;
  if (op.body?.kind === 'json') {
    const example = world.example(op.body.name, prng) ?? exampleOf(op.body.schema, prng, () => world.someId('id', prng));
    if (target === 'body') {
      const mutation = mutateBody(prng, example, op.body.schema);
      body = mutation.bytes;
      labels.push(`body ${mutation.label}`);
    } else {
      body = Buffer.from(toJsonText(example));
    }
    headers['Content-Type'] = 'application/json';
  } else if (op.body?.kind === 'multipart') {
    const upload = multipartUpload(prng, () => world.someId('previousId', prng), target !== 'body');
    body = upload.bytes;
    if (upload.contentType) headers['Content-Type'] = upload.contentType;
    labels.push(upload.label);
  } else if (target === 'stray body') {
    body = prng.chance(0.5) ? Buffer.from('{"unexpected":true}') : prng.bytes(prng.int(1, 256));
    headers['Content-Type'] = prng.pick(['application/json', 'application/octet-stream', 'text/plain']);
    if (prng.chance(0.3)) headers['Content-Encoding'] = prng.pick(['gzip', 'br', 'x-fuzz']);
    labels.push(`stray ${headers['Content-Type']} body${headers['Content-Encoding'] ? ` (${headers['Content-Encoding']})` : ''}`);
  }

  if (target === 'content-type' && body) {
    const choice = prng.weighted([[6, 'other'], [3, 'missing'], [3, 'multipart']] as const);
    if (choice === 'missing') delete headers['Content-Type'];
    else if (choice === 'multipart' && op.body?.kind === 'json') {
      const multipart = multipartForJsonRoute(prng, body);
      body = multipart.bytes;
      headers['Content-Type'] = multipart.contentType!;
    } else headers['Content-Type'] = prng.pick(OTHER_CONTENT_TYPES);
    labels.push(`content-type ${headers['Content-Type'] ?? '(none)'}`);
  }
  if (target === 'encoding' && body) {
    const encoded = encodings(prng, body);
    body = encoded.bytes;
    headers['Content-Encoding'] = encoded.encoding;
    labels.push(`content-encoding ${encoded.label}`);
  }
  if (target === 'headers') {
    const [name, value] = prng.pick([
      ['X-Request-Id', 'r'.repeat(prng.pick([200, 8000]))],
      ['X-Request-Id', '\u00ff\u00fe latin-1'],
      ['Accept', prng.pick(['text/csv', 'application/xml', '*/*;q=0', 'application/problem+json', ''])],
      ['Idempotency-Key', prng.pick(['', 'k'.repeat(5000), prng.uuid(), '\u00e9t\u00e9', 'constructor'])],
      ['X-Forwarded-For', prng.pick(['1.2.3.4, 5.6.7.8', 'garbage', '::ffff:999.1.1.1'])],
      ['Content-Type', 'application/json'],
      ['Range', 'bytes=100-1'],
      ['If-None-Match', '*'],
    ] as const);
    headers[name] = value;
    labels.push(`header ${name}: ${summarize(value, 40)}`);
  }
  if (method === 'POST' && prng.chance(0.06)) {
    headers['Idempotency-Key'] = prng.pick([prng.uuid(), `fuzz-${prng.hex(8)}`]);
    labels.push('Idempotency-Key');
  }
  if (target === 'method') {
    method = prng.pick(['HEAD', 'OPTIONS', 'PATCH', 'DELETE', 'TRACE', 'PUT'].filter((m) => m !== op.method));
    labels.push(`method ${method}`);
  }
  return { index, route: op.route, method, path, principal, headers, body, label: labels.join(' | ') || 'valid request', hostilePath };
}

/**
 * About `total` cases over every operation, split by ROUTE_WEIGHTS, each
 * operation with a stream of its own: the same seed gives the same cases.
 */
export function generateCases(operations: Operation[], world: FuzzWorld, seed: Prng, total: number): FuzzCase[] {
  const weights = operations.map((op) => ROUTE_WEIGHTS[op.route] ?? 1);
  const sum = weights.reduce((a, b) => a + b, 0);
  const perRoute: FuzzCase[][] = operations.map((op, i) => {
    const prng = seed.fork(op.route);
    const count = Math.max(8, Math.round((total * weights[i]) / sum));
    return Array.from({ length: count }, () => caseFor(prng, world, op, 0));
  });
  // Interleave routes, so concurrent requests hit different routes and rows.
  const order = seed.fork('order');
  const cases: FuzzCase[] = [];
  const queues = perRoute.map((list) => [...list]);
  while (queues.some((queue) => queue.length)) {
    const open = queues.filter((queue) => queue.length);
    cases.push(order.pick(open).shift()!);
  }
  return cases.map((c, index) => ({ ...c, index }));
}
