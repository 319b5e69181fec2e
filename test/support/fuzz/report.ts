import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { summarize } from './json-text';
import { FuzzResult } from './runner';

export interface Finding {
  kind: string;
  route: string;
  request: string;
  detail: string;
}

const PROBLEM_JSON = /^application\/problem\+json/i;

/** A refusal larger than the largest body the API accepts (1 MB) says far more than any problem needs to. */
const LARGEST_REFUSAL = 1024 * 1024;

/**
 * What is wrong with one answer, if anything: a 5xx, no answer, a 4xx that is
 * not a problem document (or one too large to read), or a success for a path
 * parameter that cannot name anything (`constructor`, `1e20`, `{uuid}`...).
 */
export function judge(result: FuzzResult, serverErrors: Map<string, string>): Finding | undefined {
  const { status, contentType, body } = result;
  const kind =
    status === -1 ? undefined
    : status === 0 ? (result.error?.startsWith('no answer') ? 'hang' : 'no answer')
    : status >= 500 ? `${status}`
    : status >= 400 && result.size > LARGEST_REFUSAL ? `${status} refusal of ${mb(result.size)} for a request of ${mb(result.fuzzCase.body?.length ?? 0)}`
    : status >= 400 ? problemFault(status, contentType, result.fuzzCase.method === 'HEAD' ? undefined : body)
    : status < 300 && result.fuzzCase.hostilePath ? `${status} for a path value that names nothing`
    : undefined;
  if (!kind) return undefined;
  return { kind, route: result.fuzzCase.route, request: describeRequest(result), detail: detailOf(result, serverErrors) };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** `body` is undefined for HEAD, which answers with headers only. */
function problemFault(status: number, contentType: string | undefined, body: string | undefined): string | undefined {
  if (!contentType || !PROBLEM_JSON.test(contentType)) return `${status} not problem+json (${contentType ?? 'no content type'})`;
  if (body === undefined) return undefined;
  try {
    const problem = JSON.parse(body) as Record<string, unknown>;
    if (problem.status !== status || typeof problem.title !== 'string' || typeof problem.type !== 'string') return `${status} problem without type/title/status`;
    if (typeof problem.instance !== 'string') return `${status} problem without instance`;
  } catch {
    return `${status} problem+json that is not JSON`;
  }
  return undefined;
}

/** The server's own account of a 500: the logged error for the answer's error id. */
function detailOf(result: FuzzResult, serverErrors: Map<string, string>): string {
  if (result.error) return result.error;
  const errorId = /"errorId":"([^"]+)"/.exec(result.body)?.[1];
  const logged = errorId ? serverErrors.get(errorId) : undefined;
  return logged ? `log: ${logged}` : summarize(result.body, 300);
}

export function describeRequest(result: FuzzResult): string {
  const { fuzzCase } = result;
  const extra = Object.entries(fuzzCase.headers)
    .filter(([name]) => !/^(authorization|x-api-key)$/i.test(name))
    .map(([name, value]) => `${name}: ${summarize(value, 80)}`);
  const body = fuzzCase.body ? ` body(${fuzzCase.body.length} B)=${summarize(fuzzCase.body.toString('latin1'), 200)}` : '';
  return `#${fuzzCase.index} ${fuzzCase.method} ${summarize(fuzzCase.path, 200)} as ${fuzzCase.principal} [${fuzzCase.label}]${extra.length ? ` {${extra.join('; ')}}` : ''}${body}`;
}

export function histogram(results: FuzzResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { status, error } of results) {
    const key = status > 0 ? String(status) : status === 0 ? (error?.startsWith('no answer') ? 'hang' : 'no answer') : 'not sent';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** Per route, how many answers of each status. */
export function byRoute(results: FuzzResult[]): Record<string, Record<string, number>> {
  const routes: Record<string, FuzzResult[]> = {};
  for (const result of results) (routes[result.fuzzCase.route] ??= []).push(result);
  return Object.fromEntries(Object.entries(routes).sort(([a], [b]) => a.localeCompare(b)).map(([route, list]) => [route, histogram(list)]));
}

/** One line per request, to find a case again by its index: status, time, what was fuzzed. */
export function requestLog(results: FuzzResult[]): string[] {
  return results.map(({ fuzzCase, status, ms, error }) => `#${fuzzCase.index} ${status}${error ? ` (${error})` : ''} ${ms}ms ${fuzzCase.method} ${fuzzCase.route} as ${fuzzCase.principal} [${summarize(fuzzCase.label, 160)}]`);
}

/**
 * Findings grouped by kind and route (one line per group with its count and
 * a first example), so one run lists every problem without drowning in repeats.
 */
export function formatFindings(findings: Finding[]): string {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = `${finding.kind} ${finding.route} ${finding.detail.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<uuid>').slice(0, 120)}`;
    groups.set(key, [...(groups.get(key) ?? []), finding]);
  }
  return [...groups.values()]
    .map((group) => `• ${group[0].kind} × ${group.length} on ${group[0].route}\n    ${group[0].detail}\n    e.g. ${group[0].request}`)
    .join('\n');
}

/** The run's figures, every finding in full and one line per request, in a file under the OS temp dir. */
export function writeReport(seed: number, figures: Record<string, unknown>, findings: Finding[], results: FuzzResult[]): string {
  const file = path.join(tmpdir(), `gatehouse-fuzz-${seed}-${process.pid}.json`);
  writeFileSync(file, JSON.stringify({ seed, ...figures, findings, log: requestLog(results) }, null, 2));
  return file;
}
