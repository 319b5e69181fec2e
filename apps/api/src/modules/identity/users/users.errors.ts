import { DomainError, RuleRefusal } from '@app/errors';

/** Emails are unique, compared in lower case (users_email_unique). */
export class EmailTakenError extends DomainError {
  readonly code = 'email-taken';
  readonly status = 409;
  readonly title = 'Email already in use';

  constructor(email: string) {
    super(`A user with email ${email} already exists.`);
  }
}

/** Separation of duties: nobody grants a role to themselves. Recorded as an access.denied event. */
export class SelfGrantRefusal extends RuleRefusal {
  constructor() {
    super(403, 'self-grant', 'You cannot grant a role to yourself; ask another administrator.', 'Role grant refused');
  }
}

/** Nobody deactivates themselves: another administrator does. */
export class SelfDeactivationRefusal extends RuleRefusal {
  constructor() {
    super(409, 'self-deactivation', 'You cannot deactivate yourself; ask another administrator.', 'Deactivation refused');
  }
}

/** The organisation always keeps an active administrator: the last one is neither deactivated nor loses the role. */
export class LastAdminRefusal extends RuleRefusal {
  /** @param doing what was refused, e.g. `deactivate` */
  constructor(doing: string) {
    super(409, 'last-admin', `You cannot ${doing} the last active administrator.`, 'The last active administrator');
  }
}

/** A password is changed by the person signed in with it, never through one of their API keys. */
export class PasswordChangeByApiKeyRefusal extends RuleRefusal {
  constructor() {
    super(403, 'api-key-cannot-change-password', 'An API key cannot change a password; sign in as the person.', 'Password change refused');
  }
}
