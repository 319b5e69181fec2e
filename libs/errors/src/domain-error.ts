export interface FieldError {
  /** Dotted path of the offending field in the request, e.g. `risks.0.severity`. */
  field: string;
  detail: string;
}

/**
 * Base for every error Gatehouse raises on purpose. The stable `code` becomes
 * the problem type (`urn:gatehouse:problem:<code>`), so clients can branch on
 * it without parsing prose.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  abstract readonly title: string;

  constructor(
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class ValidationFailedError extends DomainError {
  readonly code = 'validation-failed';
  readonly status = 422;
  readonly title = 'The request is not valid';

  readonly errors: FieldError[];

  /** At most MAX_FIELD_ERRORS are listed (a problem stays small whatever the request); `omittedErrors` counts the rest. */
  constructor(errors: FieldError[]) {
    const listed = errors.slice(0, MAX_FIELD_ERRORS);
    const omitted = errors.length - listed.length;
    super(summarise(listed, omitted), omitted ? { errors: listed, omittedErrors: omitted } : { errors: listed });
    this.errors = listed;
  }
}

export const MAX_FIELD_ERRORS = 50;

/** One error's own detail, or the fields at fault, each named once however many rules it broke. */
function summarise(errors: FieldError[], omitted = 0): string {
  const fields = [...new Set(errors.map((error) => error.field))];
  const more = omitted ? ` and ${omitted} more errors` : '';
  if (errors.length === 1 && !omitted) return errors[0].detail;
  if (fields.length === 1 && !omitted) return `${fields[0]} is not valid: ${errors.map((error) => error.detail).join('; ')}`;
  return `${fields.length} fields are not valid: ${fields.join(', ')}${more}`;
}

export class NotFoundError extends DomainError {
  readonly code = 'not-found';
  readonly status = 404;
  readonly title = 'Not found';
}

export class ConflictError extends DomainError {
  readonly code = 'conflict';
  readonly status = 409;
  readonly title = 'Conflict with the current state';
}

export class UnauthorizedError extends DomainError {
  readonly code = 'unauthorized';
  readonly status = 401;
  readonly title = 'Authentication required';
}

export class ForbiddenError extends DomainError {
  readonly code = 'forbidden';
  readonly status = 403;
  readonly title = 'Not allowed';
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly code = 'unsupported-media-type';
  readonly status = 415;
  readonly title = 'Unsupported media type';

  constructor(contentType: string | undefined) {
    super(`A request body must be sent as application/json, not ${contentType ?? 'without a Content-Type'}.`);
  }
}

export class BodyTooDeepError extends DomainError {
  readonly code = 'too-deeply-nested';
  readonly status = 400;
  readonly title = 'Body nested too deeply';

  constructor(maxDepth: number) {
    super(`The request body nests objects and arrays more than ${maxDepth} levels deep.`);
  }
}

/** `null`, `3` or `"text"` are well-formed JSON, but no route takes them as its body. */
export class BodyNotAnObjectError extends DomainError {
  readonly code = 'body-not-an-object';
  readonly status = 422;
  readonly title = 'The body is not a JSON object';

  constructor(value: unknown) {
    const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    super(`The request body is valid JSON, but ${what}, not an object: send a JSON object.`);
  }
}
