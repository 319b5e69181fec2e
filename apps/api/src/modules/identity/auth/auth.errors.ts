import { RuleRefusal } from '@app/errors';

/** The caller does not hold the permission the route declares. Recorded as an access.denied event. */
export class PermissionRequiredRefusal extends RuleRefusal {
  /** @param reason why, as decideAccess says it */
  constructor(reason: string) {
    super(403, 'permission-required', `Not allowed: ${reason}.`, 'Not allowed');
  }
}

/** Closed by default: a route that declares no access policy (neither @Public() nor @Allow()) is refused to everyone. */
export class NoAccessPolicyRefusal extends RuleRefusal {
  constructor() {
    super(403, 'no-access-policy', 'This route declares no access policy, so it is closed to everyone.', 'Not allowed');
  }
}

/** SSO only (GATEHOUSE_PASSWORD_SIGN_IN=off): passwords are refused to all but the break-glass administrator. */
export class PasswordSignInOffRefusal extends RuleRefusal {
  constructor() {
    super(403, 'password-sign-in-off', "Sign-in with a password is switched off here: sign in through your organisation's single sign-on.", 'Password sign-in is off');
  }
}
