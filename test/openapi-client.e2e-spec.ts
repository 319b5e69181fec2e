import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { createTestApp, TestApp } from './support';
import { runCommand } from './support/run-command';

/**
 * The web app and other clients are generated from /api/docs-json, so the
 * document must say what every route answers. This spec checks that it does,
 * then generates a typed client from it (openapi-typescript), as a client
 * would, and type-checks a small use of it (openapi-fetch) with the compiler.
 */

const ROOT = path.resolve(__dirname, '..');
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const PROBLEM_SCHEMA = { $ref: '#/components/schemas/ProblemDetailsResponse' };

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  items?: Schema;
  oneOf?: Schema[];
}
interface Response {
  content?: Record<string, { schema?: Schema }>;
}
interface Operation {
  parameters?: { in: string; name: string; required?: boolean; schema?: Schema }[];
  responses: Record<string, Response>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
}

const operationsOf = (document: Document) =>
  Object.entries(document.paths).flatMap(([template, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ route: `${method.toUpperCase()} ${template}`, template, operation })),
  );

const isJson = (mediaType: string) => /^application\/(.+\+)?json$/.test(mediaType);

/** A JSON body is a response class (a $ref), a list of them, or one of several. */
const namesAClass = (schema: Schema): boolean =>
  schema.$ref !== undefined || (schema.type === 'array' && !!schema.items?.$ref) || (!!schema.oneOf?.length && schema.oneOf.every(namesAClass));

/** What is wrong with one success response, or undefined. */
function successProblem(status: string, response: Response): string | undefined {
  const content = Object.entries(response.content ?? {});
  if (status === '204') return content.length ? 'a 204 with a body' : undefined;
  if (!content.length) return `${status} without content`;
  for (const [mediaType, { schema }] of content) {
    if (!schema) return `${status} ${mediaType} without a schema`;
    if (isJson(mediaType) && !namesAClass(schema)) return `${status} ${mediaType} is not a response class`;
    if (!isJson(mediaType) && schema.type !== 'string') return `${status} ${mediaType} is neither text nor binary`;
  }
  return undefined;
}

/** What is wrong with one path parameter's schema, or undefined: an id has its format, a number its bounds. */
function parameterProblem(schema: Schema | undefined): string | undefined {
  if (!schema?.type) return 'no schema';
  if (schema.type === 'string' && !schema.format && !schema.enum && !schema.pattern) return 'a string without format, enum or pattern';
  if (schema.type === 'integer' && (schema.minimum === undefined || schema.maximum === undefined)) return 'an integer without bounds';
  if (schema.type !== 'string' && schema.type !== 'integer') return `a ${schema.type}`;
  return undefined;
}

/** A small client, as the web app would write it. */
const CLIENT_USE = `
import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

type UseCase = components['schemas']['UseCaseResponse'];

const api = createClient<paths>({ baseUrl: 'http://localhost:3000', headers: { Authorization: 'Bearer <token>' } });

export async function titleOf(id: string): Promise<string> {
  const { data, error } = await api.GET('/api/use-cases/{id}', { params: { path: { id } } });
  if (error) throw new Error(\`\${error.type}: \${error.detail}\`);
  return data.content.title;
}

export async function waitingForMe(): Promise<string[]> {
  const { data } = await api.GET('/api/me/inbox', { params: { query: { limit: 200 } } });
  return (data?.items ?? []).map((item) => \`\${item.gate} at revision \${item.revision}: \${item.roles.join(', ')}\`);
}

/** A lowering is applied at once (200, the use case) or proposed to a second person (202, the request). */
export async function lowerTier(id: string): Promise<UseCase['tier'] | 'proposed'> {
  const { data, error } = await api.PUT('/api/use-cases/{id}/tier-override', {
    params: { path: { id } },
    body: { tier: 'minimal', justification: 'residual risk reviewed by legal' },
  });
  if (error) throw new Error(error.errors?.map((e) => \`\${e.field}: \${e.detail}\`).join('; ') ?? error.detail);
  return 'derivedTier' in data ? data.tier : 'proposed';
}

export async function clearedToDeploy(id: string, revision: number): Promise<boolean> {
  const { data } = await api.GET('/api/use-cases/{id}/clearance', { params: { path: { id }, query: { stage: 'deploy', revision } } });
  return data?.cleared ?? false;
}

export async function evidenceBytes(id: string, evidenceId: string): Promise<Blob | undefined> {
  const { data } = await api.GET('/api/use-cases/{id}/evidence/{evidenceId}/content', { params: { path: { id, evidenceId } }, parseAs: 'blob' });
  return data;
}

/** A policy is edited as JSON text: whatever it parses to is the document, for the server to validate. */
export async function publishPolicy(text: string): Promise<number | undefined> {
  const document = JSON.parse(text) as Record<string, unknown>;
  const { data } = await api.POST('/api/gate-policies', { body: { document, note: 'edited as JSON' } });
  return data?.version;
}

type Revision = paths['/api/use-cases/{id}/revisions/{revision}']['get'];
export const pinned: Revision['parameters']['path']['revision'] = 3;
export const title: Revision['responses'][200]['content']['application/json']['content']['title'] = 'Triage assistant';
`;

/** The same client, misused: each marked line must be refused by the compiler. */
const CLIENT_MISUSE = `
import createClient from 'openapi-fetch';
import type { paths } from './schema';

const api = createClient<paths>({ baseUrl: 'http://localhost:3000' });

export async function misuse(id: string) {
  const { data } = await api.GET('/api/use-cases/{id}', { params: { path: { id } } });
  const typo: string | undefined = data?.content.titel; // refused
  await api.GET('/api/use-cases/{id}/clearance', { params: { path: { id }, query: { stage: 'production' } } }); // refused
  await api.PUT('/api/use-cases/{id}/tier-override', { params: { path: { id } }, body: { tier: 'extreme', justification: 'x' } }); // refused
  await api.GET('/api/reviews/{reviewId}', { params: { path: {} } }); // refused
  return typo;
}
`;

/** Type-checks files as a browser app would compile them; returns each file's errors as line (1-based) and message. */
function typeCheck(files: string[]): Map<string, { line: number; message: string }[]> {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    skipLibCheck: true,
  });
  const errors = new Map(files.map((file) => [path.basename(file), [] as { line: number; message: string }[]]));
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const file = diagnostic.file ? path.basename(diagnostic.file.fileName) : '';
    const line = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1 : 0;
    if (!errors.has(file)) errors.set(file, []);
    errors.get(file)!.push({ line, message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n') });
  }
  return errors;
}

describe('the OpenAPI document', () => {
  let t: TestApp;
  let document: Document;
  let text: string;
  let dir: string;

  beforeAll(async () => {
    t = await createTestApp();
    text = (await t.http().get('/api/docs-json').expect(200)).text;
    document = JSON.parse(text);
    dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-openapi-client-'));
  });

  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('gives every operation a success response: a response class as JSON, text or binary, or an empty 204', () => {
    const problems = operationsOf(document).flatMap(({ route, operation }) => {
      const successes = Object.entries(operation.responses).filter(([status]) => status.startsWith('2'));
      // A browser navigation (single sign-on) answers only with a redirect, which must say where.
      const redirect = operation.responses['302'] as { headers?: Record<string, unknown> } | undefined;
      if (!successes.length && redirect) return redirect.headers?.Location ? [] : [`${route}: a 302 without a Location header`];
      if (!successes.length) return [`${route}: no success response`];
      return successes.flatMap(([status, response]) => {
        const problem = successProblem(status, response);
        return problem ? [`${route}: ${problem}`] : [];
      });
    });
    expect(problems).toEqual([]);
  });

  it('describes every path parameter with its schema', () => {
    const problems = operationsOf(document).flatMap(({ route, template, operation }) => {
      const named = [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      const declared = (operation.parameters ?? []).filter((parameter) => parameter.in === 'path');
      return [
        ...named.flatMap((name) => {
          const parameter = declared.find((candidate) => candidate.name === name);
          if (!parameter) return [`${route}: {${name}} is not declared`];
          if (!parameter.required) return [`${route}: {${name}} is not required`];
          const problem = parameterProblem(parameter.schema);
          return problem ? [`${route}: {${name}} is ${problem}`] : [];
        }),
        ...declared.filter((parameter) => !named.includes(parameter.name)).map((parameter) => `${route}: declares {${parameter.name}}, not in the path`),
      ];
    });
    expect(problems).toEqual([]);
  });

  it('describes every refusal as problem+json, and every operation can answer 500 and 503', () => {
    const problems = operationsOf(document).flatMap(({ route, operation }) => {
      const refusals = Object.entries(operation.responses).filter(([status]) => /^[45]/.test(status));
      return [
        ...refusals
          .filter(([, response]) => JSON.stringify(response.content) !== JSON.stringify({ 'application/problem+json': { schema: PROBLEM_SCHEMA } }))
          .map(([status]) => `${route}: ${status} is not ProblemDetailsResponse`),
        ...['500', '503'].filter((status) => !operation.responses[status]).map((status) => `${route}: no ${status}`),
      ];
    });
    expect(problems).toEqual([]);
  });

  it('generates a typed client (openapi-typescript) that a small use type-checks against, and that refuses a misuse', async () => {
    await writeFile(path.join(dir, 'openapi.json'), text);
    // The client's own dependencies (openapi-fetch), as an app that installed them.
    await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const cli = path.join(ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js');
    const generated = await runCommand(process.execPath, [cli, path.join(dir, 'openapi.json'), '--output', path.join(dir, 'schema.ts')]);
    expect(generated).toEqual({ code: 0, output: expect.any(String) });

    await writeFile(path.join(dir, 'client.ts'), CLIENT_USE);
    await writeFile(path.join(dir, 'misuse.ts'), CLIENT_MISUSE);
    const errors = typeCheck([path.join(dir, 'client.ts'), path.join(dir, 'misuse.ts')]);
    expect(Object.fromEntries(errors)).toEqual({ 'client.ts': [], 'misuse.ts': expect.any(Array) });
    const refused = CLIENT_MISUSE.split('\n').flatMap((line, index) => (line.endsWith('// refused') ? [index + 1] : []));
    expect([...new Set(errors.get('misuse.ts')!.map((error) => error.line))].sort((a, b) => a - b)).toEqual(refused);
  }, 60_000);
});
