import { DomainError } from './domain-error';

/**
 * A governance rule said no: separation of duties, the two-person rule, a
 * sign-off rule. Each refusal has its own stable code, so a client (and the
 * audit trail, which records refusals) can tell one rule from another.
 */
export class RuleRefusal extends DomainError {
  readonly title: string;

  constructor(
    readonly status: 403 | 409 | 422,
    readonly code: string,
    detail: string,
    title = 'Refused by a governance rule',
  ) {
    super(detail);
    this.title = title;
  }
}

/**
 * Answered as 404, so an id is not confirmed to someone who may not see it,
 * but still an attempt the trail records (a write to another team's use case).
 */
export class HiddenRefusal extends DomainError {
  readonly code = 'not-found';
  readonly status = 404;
  readonly title = 'Not found';

  /** @param refusalCode what the trail records: the rule that refused, which the 404 does not say */
  constructor(
    detail: string,
    readonly refusalCode: string,
  ) {
    super(detail);
  }
}
