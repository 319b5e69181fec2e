import { DomainError } from '@app/errors';

/** An edit names the version it was made on; another edit came first (the same rule as a sign-off's revision). */
export class SoaVersionStaleError extends DomainError {
  readonly code = 'soa-version-stale';
  readonly status = 409;
  readonly title = 'The statement changed since you read it';

  constructor(readonly currentVersion: number, basedOn: number) {
    super(`The Statement of Applicability is at version ${currentVersion}; your edit names version ${basedOn}. Read it again and re-apply your edit.`, { currentVersion });
  }
}
