import { DomainError, NotFoundError, RuleRefusal } from '@app/errors';

/**
 * The refusals of the use-case registry and of tier decisions. Each names its
 * rule with a stable code (the problem type `urn:gatehouse:problem:<code>`).
 */

/** The code recorded when someone outside a use case's teams tries to change it (answered 403, or 404 to those who may not read it). */
export const NOT_ON_TEAM = 'not-on-team';

/** A reader of the use case (an organisation role that reads them all) who is on neither of its teams: reading is not changing. */
export class NotOnUseCaseTeam extends RuleRefusal {
  constructor() {
    super(403, NOT_ON_TEAM, "Only developers and deployers of the use case's teams change it.", 'Not on the use case’s teams');
  }
}

/** A retired use case is kept as it was retired: no more content changes, tier decisions or evidence. */
export class UseCaseRetiredError extends DomainError {
  readonly code = 'use-case-retired';
  readonly status = 409;
  readonly title = 'The use case is retired';

  constructor(useCaseId: string) {
    super('A retired use case is not changed any more.', { useCaseId });
  }
}

/** A tier change request that was confirmed, refused or superseded takes no more decisions. */
export class TierChangeClosed extends RuleRefusal {
  constructor(status: string) {
    super(409, 'tier-change-closed', `The request is ${status}; it takes no more decisions.`);
  }
}

/** A tier decision refused by the rules of tier-override.policy.ts, under the rule's own code. */
export class TierDecisionRefused extends RuleRefusal {
  constructor(status: 403 | 409, code: string, reason: string) {
    super(status, code, reason, 'Tier decision refused');
  }
}

/** Answered as 404 `not-found`, as every unknown or invisible id is. */
export class UseCaseNotFound extends NotFoundError {
  constructor(useCaseId: string) {
    super(`No use case with id ${useCaseId}.`);
  }
}

export class RevisionNotFound extends NotFoundError {
  constructor(useCaseId: string, revision: number) {
    super(`Use case ${useCaseId} has no revision ${revision}.`);
  }
}

export class RiskNotFound extends NotFoundError {
  constructor(riskId: string) {
    super(`No risk with id ${riskId} on this use case.`);
  }
}

export class TierChangeRequestNotFound extends NotFoundError {
  constructor(requestId: string) {
    super(`No tier change request ${requestId} on this use case.`);
  }
}

/** Only a risk the team treats by acceptance is accepted: mitigated, avoided or transferred risks are handled, not accepted. */
export class RiskNotTreatedByAcceptance extends RuleRefusal {
  constructor(treatment: string | null | undefined, status: string) {
    super(
      409,
      'risk-not-treated-by-acceptance',
      status === 'closed'
        ? 'The risk is closed: there is nothing left to accept.'
        : `The team treats this risk by ${treatment ?? 'no treatment yet'}; a risk is accepted when the team proposes treatment accept.`,
      'Risk acceptance refused',
    );
  }
}

/** The risk, exactly as it stands, is already accepted. */
export class RiskAlreadyAccepted extends RuleRefusal {
  constructor(acceptanceId: string) {
    super(409, 'risk-already-accepted', `The risk as it stands is already accepted (acceptance ${acceptanceId}).`, 'Risk acceptance refused');
  }
}
