import { DomainError } from '@app/errors';

/** A mandatory kind (your sign-off is needed) is always emailed: nobody else can give that sign-off for you. */
export class MandatoryKindCannotBeMuted extends DomainError {
  readonly code = 'notification-kind-mandatory';
  readonly status = 422;
  readonly title = 'A mandatory notification cannot be muted';

  constructor(kinds: { index: number; kind: string }[]) {
    const errors = kinds.map(({ index, kind }) => ({ field: `muted.${index}`, detail: `${kind} is mandatory (your sign-off is needed) and cannot be muted` }));
    super(errors.map((error) => error.detail).join('; '), { errors });
  }
}
