import { RuleRefusal } from '@app/errors';

/** A key never mints further keys: only a person signed in (or an administrator, for a service account) creates them. */
export class KeyCreatedByKeyRefusal extends RuleRefusal {
  constructor() {
    super(403, 'api-key-cannot-create-keys', 'An API key cannot create API keys.', 'API key refused');
  }
}

/** People create their own keys; an administrator creates keys for service accounts only, never for another person. */
export class KeyForAnotherPersonRefusal extends RuleRefusal {
  constructor() {
    super(403, 'key-for-another-person', 'Administrators create API keys for service accounts only; people create their own.', 'API key refused');
  }
}

/** A deactivated user is given no new keys. */
export class KeyOwnerDeactivatedRefusal extends RuleRefusal {
  constructor() {
    super(403, 'key-owner-deactivated', 'The owner of the key is deactivated.', 'API key refused');
  }
}
