import { DomainError, RuleRefusal } from '@app/errors';

/** A use case has at most one open review; the unique index gate_reviews_one_open says the same. */
export class ReviewAlreadyOpenError extends DomainError {
  readonly code = 'review-already-open';
  readonly status = 409;
  readonly title = 'A review is already open';

  constructor(readonly reviewId: string) {
    super(`Review ${reviewId} is already open for this use case.`, { reviewId });
  }
}

/** A rollback waits for the open review to be decided: the review was opened on the stage the rollback would leave. */
export class RollbackDuringReviewError extends DomainError {
  readonly code = 'rollback-during-review';
  readonly status = 409;
  readonly title = 'A review is open';

  constructor(readonly reviewId: string) {
    super(`Review ${reviewId} is open: finish it before rolling back.`, { reviewId });
  }
}

export const ROLLBACK_ROLE_NOT_HELD = 'rollback-role-not-held';

/** Only a person in a role the policy names for the gate of the current stage sends a use case back. */
export class RollbackRoleNotHeld extends RuleRefusal {
  constructor(stage: string, roles: string[]) {
    super(403, ROLLBACK_ROLE_NOT_HELD, `A rollback from ${stage} is decided by a ${roles.join(', ')} of this use case.`, 'Rollback refused');
  }
}
