import { DomainError } from '@app/errors';

/** Said in both refusals: where the token comes from. */
const WHERE_FROM = 'send the csrfToken from POST or GET /api/auth/session in the X-CSRF-Token header';

/** A write authenticated by the session cookie came without its CSRF token. 403, never 401: the session is valid. */
export class CsrfTokenMissingRefusal extends DomainError {
  readonly code = 'csrf-token-missing';
  readonly status = 403;
  readonly title = 'CSRF token required';

  constructor() {
    super(`A request that changes anything and is signed in by the session cookie must prove it comes from the web app: ${WHERE_FROM}.`);
  }
}

/** The CSRF token sent is not the one of the session whose cookie came with it. */
export class CsrfTokenInvalidRefusal extends DomainError {
  readonly code = 'csrf-token-invalid';
  readonly status = 403;
  readonly title = 'CSRF token does not match';

  constructor() {
    super(`The X-CSRF-Token header does not belong to this session: ${WHERE_FROM}.`);
  }
}
