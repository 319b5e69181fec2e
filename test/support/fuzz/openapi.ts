import { Prng } from './prng';

/** The parts of an OpenAPI 3 document the fuzzer reads. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, Schema> };
}

interface OpenApiOperation {
  parameters?: { in: string; name: string; required?: boolean; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  security?: unknown[];
}

export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  example?: unknown;
  default?: unknown;
}

export interface QueryParameter {
  name: string;
  required: boolean;
  schema: Schema;
}

export interface Operation {
  method: string;
  /** As the document writes it: /api/use-cases/{id}. */
  template: string;
  /** As Nest names it: `GET /api/use-cases/:id`. */
  route: string;
  pathParams: string[];
  query: QueryParameter[];
  /** JSON body schema (refs resolved) with its component name, or a multipart form. */
  body?: { kind: 'json'; name?: string; schema: Schema } | { kind: 'multipart'; schema: Schema };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Every path × method of the document, in the document's order. */
export function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [template, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (!METHODS.includes(method)) continue;
      const pathParams = [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      const query = (operation.parameters ?? [])
        .filter((parameter) => parameter.in === 'query')
        .map((parameter) => ({ name: parameter.name, required: parameter.required === true, schema: resolve(document, parameter.schema ?? {}) }));
      const content = operation.requestBody?.content ?? {};
      let body: Operation['body'];
      if (content['application/json']?.schema) {
        const schema = content['application/json'].schema;
        body = { kind: 'json', name: schema.$ref?.split('/').pop(), schema: resolve(document, schema) };
      } else if (content['multipart/form-data']) {
        body = { kind: 'multipart', schema: resolve(document, content['multipart/form-data'].schema ?? {}) };
      }
      const upper = method.toUpperCase();
      operations.push({ method: upper, template, route: `${upper} ${template.replace(/\{([^}]+)\}/g, ':$1')}`, pathParams, query, body });
    }
  }
  return operations;
}

/** The schema with every $ref replaced by its component (the document has no cycles). */
export function resolve(document: OpenApiDocument, schema: Schema, depth = 0): Schema {
  if (depth > 20) return {};
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop()!;
    return resolve(document, document.components?.schemas?.[name] ?? {}, depth + 1);
  }
  const out: Schema = { ...schema };
  if (schema.items) out.items = resolve(document, schema.items, depth + 1);
  if (schema.properties) {
    out.properties = Object.fromEntries(Object.entries(schema.properties).map(([key, value]) => [key, resolve(document, value, depth + 1)]));
  }
  return out;
}

/**
 * A value the schema accepts, for bodies without a hand-written example:
 * enums take a member, strings their example or a plain word of the minimum
 * length, numbers their minimum, arrays one item, objects every property.
 */
export function exampleOf(schema: Schema, prng: Prng, uuid: () => string): unknown {
  if (schema.example !== undefined) return schema.example;
  if (schema.enum?.length) return prng.pick(schema.enum);
  switch (schema.type) {
    case 'string':
      if (schema.format === 'uuid') return uuid();
      if (schema.format === 'date' || schema.format === 'date-time') return '2027-03-31';
      return 'fuzz example text'.padEnd(schema.minLength ?? 0, ' and more').slice(0, schema.maxLength ?? 200);
    case 'number':
    case 'integer':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return schema.items ? [exampleOf(schema.items, prng, uuid)] : [];
    case 'object':
    default:
      if (!schema.properties) return {};
      return Object.fromEntries(Object.entries(schema.properties).map(([key, value]) => [key, exampleOf(value, prng, uuid)]));
  }
}

/** The schema of the value at a path of an example (undefined when the path leaves the schema). */
export function schemaAt(schema: Schema, path: (string | number)[]): Schema | undefined {
  let current: Schema | undefined = schema;
  for (const key of path) {
    if (!current) return undefined;
    current = typeof key === 'number' ? current.items : current.properties?.[key];
  }
  return current;
}
