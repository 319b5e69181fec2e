import { DomainError } from '@app/errors';

/** Team names are unique whatever their case (teams_name_unique on lower(name)). */
export class TeamNameTakenError extends DomainError {
  readonly code = 'team-name-taken';
  readonly status = 409;
  readonly title = 'Team name already in use';

  constructor(name: string) {
    super(`A team named "${name}" already exists.`);
  }
}
