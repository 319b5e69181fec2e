import { DomainError } from '@app/errors';

/** The same key with another request (method, path or body): a key names one request. */
export class IdempotencyKeyReused extends DomainError {
  readonly code = 'idempotency-key-reused';
  readonly status = 422;
  readonly title = 'Idempotency key reused';

  constructor() {
    super('This Idempotency-Key was used for a different request; use a new key for a new request.');
  }
}

/** The first response held a secret, which is shown once and was not kept: a retry learns what was created, not the secret. */
export class SecretNotReplayed extends DomainError {
  readonly code = 'idempotency-key-spent';
  readonly status = 409;
  readonly title = 'Response not replayed';

  constructor(firstResponse: unknown) {
    const id = (firstResponse as { id?: unknown } | null)?.id;
    super(
      `This Idempotency-Key was used already${typeof id === 'string' ? ` and created ${id}` : ''}; that response held a secret, which is shown only once and not kept. ` +
        'If it was lost, revoke what was created and send a new request with a new key.',
      { firstResponse },
    );
  }
}

/** The request that holds the key has not answered yet (its lease still runs): the retry would run it twice. */
export class IdempotencyKeyInProgress extends DomainError {
  readonly code = 'idempotency-key-in-progress';
  readonly status = 409;
  readonly title = 'Request still in progress';

  constructor() {
    super('A request with this Idempotency-Key is still being processed; retry shortly.');
  }
}

/** The key was claimed and released by other requests on every try: no answer to give yet. */
export class IdempotencyKeyContended extends DomainError {
  readonly code = 'idempotency-key-contended';
  readonly status = 409;
  readonly title = 'Idempotency key contended';

  constructor() {
    super('This Idempotency-Key is being claimed and released by other requests; retry shortly.');
  }
}
