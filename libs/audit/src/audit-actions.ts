/**
 * The catalogue of audit actions: `<target type>.<past-tense verb>`, after the
 * naming GitHub's and Okta's audit logs use. Consumers filter on these names,
 * so an action is never renamed; new ones are added. docs/audit-chain.md lists
 * them for readers of an export.
 */
export const AUDIT_ACTIONS = {
  // The trail itself: reading it is recorded too.
  'audit.read': 'A page of audit events was read through the API',
  'audit.exported': 'Audit events were exported (NDJSON or CSV)',
  'audit.verified': 'The chain was verified',
  // Identity and access.
  'user.created': 'A user was created',
  'user.updated': 'A user was changed',
  'user.deactivated': 'A user was deactivated',
  'user.role_granted': 'An organisation role was granted',
  'user.role_revoked': 'An organisation role was revoked',
  'user.password_changed': 'A password was changed',
  'auth.login_succeeded': 'A sign-in succeeded',
  'auth.login_failed': 'A sign-in failed',
  'team.created': 'A team was created',
  'team.member_added': 'A user joined a team in a role',
  'team.member_removed': 'A user left a team',
  'api_key.created': 'An API key was created',
  'api_key.revoked': 'An API key was revoked',
  // The registry.
  'use_case.created': 'A use case was registered',
  'use_case.updated': 'A use case was changed (a new revision)',
  'use_case.tier_overridden': 'The risk tier was overridden with a justification',
  'evidence.attached': 'Evidence was attached',
  'gate_policy.published': 'A new gate policy version was published',
  // Gates and sign-offs.
  'gate_review.opened': 'A gate review was opened',
  'sign_off.recorded': 'A sign-off decision was recorded',
  'sign_off.superseded': 'A later decision by the same person superseded a sign-off',
  'sign_off.staled': 'An approval became stale because the use case changed',
  'gate_review.passed': 'A gate passed and the stage changed',
  'gate_review.rejected': 'A gate review was closed by a rejection',
  'gate_review.changes_requested': 'A gate review was sent back to the team',
  'use_case.rolled_back': 'A use case was sent back to an earlier stage',
  'use_case.retired': 'A use case was retired',
  'obligation.updated': 'An obligation from approval conditions changed',
  'gate_review.repinned': "An open review moved to the requirements of the use case's new tier",
  'gate_review.superseded': 'An open review was closed because the use case became prohibited',
  'use_case.tier_change_proposed': 'A lowering of the tier was proposed; it waits for a second person',
  'use_case.tier_change_refused': 'A proposed lowering of the tier was refused or superseded',
  // Refusals of governed actions (sign-offs, tier decisions, roles, reading the trail).
  'access.denied': 'A governed action was refused',
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

export function isAuditAction(value: string): value is AuditAction {
  return Object.prototype.hasOwnProperty.call(AUDIT_ACTIONS, value);
}
