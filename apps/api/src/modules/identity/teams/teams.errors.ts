import { DomainError, RuleRefusal } from '@app/errors';

/** Team names are unique whatever their case (teams_name_unique on lower(name)). */
export class TeamNameTakenError extends DomainError {
  readonly code = 'team-name-taken';
  readonly status = 409;
  readonly title = 'Team name already in use';

  constructor(name: string) {
    super(`A team named "${name}" already exists.`);
  }
}

/**
 * Nobody puts themselves on a team (separation of duties, as for roles): a
 * place on a use case's team lets one change it and sign as its developer or
 * deployer, so another administrator grants it.
 */
export class SelfMembershipRefusal extends RuleRefusal {
  constructor() {
    super(403, 'self-membership', 'You cannot add yourself to a team; ask another administrator.', 'Team membership refused');
  }
}
