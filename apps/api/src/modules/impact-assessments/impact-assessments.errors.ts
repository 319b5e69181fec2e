import { DomainError, NotFoundError, RuleRefusal } from '@app/errors';

/**
 * The refusals of impact assessments and their templates, each under a stable
 * code (the problem type `urn:gatehouse:problem:<code>`).
 */

export class NoAssessmentTemplatePublished extends NotFoundError {
  constructor() {
    super('No impact-assessment template has been published.');
  }
}

export class AssessmentTemplateVersionNotFound extends NotFoundError {
  constructor(version: number) {
    super(`No impact-assessment template version ${version}.`);
  }
}

export class NoImpactAssessment extends NotFoundError {
  constructor(useCaseId: string) {
    super(`Use case ${useCaseId} has no impact assessment yet; the team starts one with PUT /api/use-cases/${useCaseId}/impact-assessment.`);
  }
}

/** The caller named a revision that is no longer the working one: someone saved in between. */
export class AssessmentRevisionStale extends DomainError {
  readonly code = 'assessment-revision-stale';
  readonly status = 409;
  readonly title = 'The impact assessment changed';

  constructor(named: number, current: number) {
    super(`You named revision ${named}; the impact assessment is at revision ${current}. Look at the current revision and try again.`, { currentRevision: current });
  }
}

/** A step of the flow taken from the wrong state: submitting what is not a draft, deciding what is not submitted. */
export class AssessmentNotInState extends DomainError {
  readonly code = 'assessment-wrong-state';
  readonly status = 409;
  readonly title = 'Not possible in the assessment’s current state';

  constructor(detail: string) {
    super(detail);
  }
}

/** The use case's scope moved after the team submitted: an approval would be stale the moment it was given. */
export class AssessmentScopeChanged extends RuleRefusal {
  constructor(fields: string[]) {
    super(409, 'assessment-scope-changed', `The use case's ${fields.join(', ')} changed since the assessment was submitted; the team reviews the assessment and submits again.`, 'Impact assessment decision refused');
  }
}

/** A refusal of the separation-of-duties rules for approving an assessment, under the rule's own code. */
export class AssessmentDecisionRefused extends RuleRefusal {
  constructor(status: 403 | 409 | 422, code: string, reason: string) {
    super(status, code, reason, 'Impact assessment decision refused');
  }
}
