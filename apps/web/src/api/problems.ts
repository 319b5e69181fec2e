import { ApiError } from './client';

/** The stable code of a problem: `urn:gatehouse:problem:<code>`. */
export function problemCode(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.problem.type?.replace(/^urn:gatehouse:problem:/, '');
}

/**
 * What a refusal means, in plain words, by its code. The server's own detail is
 * shown beside it; these sentences say what to do about it.
 */
const PLAIN_WORDS: Record<string, string> = {
  // Sign-offs and reviews
  'assessor-not-independent': 'You cannot sign as the independent assessor: you are on the use case’s team or wrote part of it.',
  'one-slot-per-person': 'You already signed this review in another role. One person fills one slot.',
  'opener-cannot-sign': 'You opened this review, so someone else must sign it.',
  'role-not-held': 'You do not hold the role you chose to sign in.',
  'role-not-required': 'This gate does not ask for a sign-off in that role.',
  'role-not-allowed': 'The gate policy does not let that role decide this.',
  'stale-revision': 'The use case changed since this page was loaded. Reload to see and sign the current revision.',
  'review-closed': 'This review is already closed: it passed, was rejected or was superseded.',
  'review-already-open': 'A review of this gate is already open.',
  'use-case-prohibited': 'The use case is in the prohibited tier; no gate can pass.',
  'use-case-retired': 'The use case is retired; it can no longer change.',
  'person-required': 'A person must do this, not an API key.',
  'decider-on-team': 'You are on the use case’s team, so you cannot decide this.',
  'decider-is-author': 'You wrote part of what is being decided, so someone else must decide it.',
  'rollback-during-review': 'Close the open review before rolling back.',
  'rollback-role-not-held': 'You do not hold a role the policy names for rolling back this gate.',
  // Risks, tiers, assessments, evidence
  'risk-already-accepted': 'This risk was already accepted.',
  'risk-not-treated-by-acceptance': 'Only a risk the team treats by acceptance can be accepted.',
  'override-by-team-member': 'A member of the use case’s team cannot override its tier.',
  'override-by-author': 'An author of the use case cannot override its tier.',
  'override-needs-second-person': 'Lowering the tier needs a second, independent person.',
  'override-request-stale': 'The tier changed since this request was made.',
  'override-role-not-held': 'Only legal or an assessor can override a tier.',
  'tier-change-closed': 'This tier change was already decided.',
  'assessment-revision-stale': 'Someone saved the assessment since you loaded it. Reload and apply your changes again.',
  'assessment-wrong-state': 'The assessment is not in a state that allows this.',
  'assessment-scope-changed': 'The use case’s scope changed since the assessment was submitted.',
  'evidence-already-superseded': 'That evidence was already replaced by a newer version.',
  'evidence-is-a-link': 'That evidence is a link; there is no file to download.',
  'evidence-content-damaged': 'The stored file does not match its recorded hash. Tell an administrator.',
  'upload-incomplete': 'The upload was cut short. Try again.',
  'payload-too-large': 'The file is larger than the server accepts.',
  'unsupported-media-type': 'The server cannot read what was sent in that form. Reload the page and try again.',
  conflict: 'Someone changed this at the same time. Reload to see the current state and try again.',
  forbidden: 'You are not allowed to do this.',
  // People and access
  'permission-required': 'Your roles do not allow this.',
  'no-access-policy': 'This action is not open to anyone.',
  'not-on-team': 'You are not on this use case’s team.',
  'self-grant': 'You cannot grant yourself a role.',
  'self-membership': 'You cannot add yourself to a team.',
  'self-deactivation': 'You cannot deactivate your own account.',
  'last-admin': 'This is the last administrator; appoint another first.',
  'email-taken': 'Someone already has that email address.',
  'team-name-taken': 'A team with that name already exists.',
  'key-for-another-person': 'API keys for another person cannot be made here.',
  'api-key-cannot-create-keys': 'An API key cannot create API keys.',
  'key-owner-deactivated': 'The account this key would belong to is deactivated.',
  'api-key-cannot-change-password': 'An API key cannot change a password; sign in as the person.',
  'soa-version-stale': 'Someone changed the statement since you loaded it. Reload and try again.',
  // Sessions and transport
  'idempotency-key-in-progress': 'Your earlier attempt is still being recorded. Wait a moment and submit again: it will not be recorded twice.',
  'idempotency-key-contended': 'Your earlier attempt is still being recorded. Wait a moment and submit again: it will not be recorded twice.',
  'idempotency-key-reused': 'This attempt was sent again with different content. Submit once more to send it as a new attempt.',
  'csrf-token-missing': 'Your session needs refreshing. Reload the page and try again.',
  'csrf-token-invalid': 'Your session needs refreshing. Reload the page and try again.',
  'validation-failed': 'Some fields need correcting.',
  'service-unavailable': 'The service is busy or its database is unavailable. Try again in a moment.',
  'internal-error': 'Something went wrong on the server.',
  'not-found': 'This does not exist, or you cannot see it.',
};

/** A sentence for any failure: the plain words for its code, or the server's own title. */
export function plainWords(error: unknown): string {
  const code = problemCode(error);
  if (code && PLAIN_WORDS[code]) return PLAIN_WORDS[code];
  if (error instanceof ApiError) return error.problem.title ?? `The request failed (${error.status}).`;
  if (error instanceof TypeError) return 'The server could not be reached. Check your connection and try again.';
  return error instanceof Error ? error.message : 'Something went wrong.';
}

/** Field-level messages of a 422, keyed by the field's dotted path. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  return Object.fromEntries((error.problem.errors ?? []).map(({ field, detail }) => [field, detail]));
}
