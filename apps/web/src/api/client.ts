import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './generated/schema';

/** Schemas of the API, by name: `Schema<'ReviewResponse'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

/** A problem+json answer, as every error of the API is shaped. */
export type Problem = Schema<'ProblemDetailsResponse'>;

let csrfToken: string | undefined;
let onSessionEnded: (() => void) | undefined;

/** The CSRF token of the current cookie session; sent with every write. */
export function setCsrfToken(token: string | undefined) {
  csrfToken = token;
}

/** Called when the API says the session is over (401), wherever the request came from. */
export function whenSessionEnds(handler: () => void) {
  onSessionEnded = handler;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const session: Middleware = {
  onRequest({ request }) {
    if (!SAFE_METHODS.has(request.method) && csrfToken) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
  onResponse({ request, response }) {
    // Sign-in itself answers 401 for a wrong password: that is not a session ending.
    if (response.status === 401 && !new URL(request.url).pathname.startsWith('/api/auth/')) onSessionEnded?.();
    return response;
  },
};

/** The one way the web app talks to the API: typed from /api/docs-json, cookie-authenticated. */
export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use(session);

/** Headers for requests made outside the typed client (uploads with progress, downloads). */
export function writeHeaders(): Record<string, string> {
  return csrfToken ? { 'X-CSRF-Token': csrfToken } : {};
}

/** Throws the problem of a failed call so that React Query and error boundaries see it; returns the data otherwise. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) throw new ApiError(result.response.status, result.error);
  return result.data as T;
}

export class ApiError extends Error {
  readonly problem: Partial<Problem> & { errors?: FieldError[]; code?: string; missing?: unknown[] };

  constructor(
    readonly status: number,
    body: unknown,
  ) {
    const problem = typeof body === 'object' && body !== null ? (body as ApiError['problem']) : { title: String(body ?? 'Request failed') };
    super(problem.detail ?? problem.title ?? `Request failed (${status})`);
    this.problem = problem;
  }
}

export interface FieldError {
  field: string;
  detail: string;
}
