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
  'auth.signed_out': 'A browser session was ended by signing out',
  'team.created': 'A team was created',
  'team.member_added': 'A user joined a team in a role',
  'team.member_removed': 'A user left a team',
  'api_key.created': 'An API key was created',
  'api_key.revoked': 'An API key was revoked',
  'notification_preferences.changed': 'A person changed which kinds of notification they receive by email',
  // The registry.
  'use_case.created': 'A use case was registered',
  'use_case.updated': 'A use case was changed (a new revision)',
  'use_case.tier_overridden': 'The risk tier was overridden with a justification',
  'evidence.attached': 'Evidence was attached',
  'evidence.downloaded': "An evidence file's content was downloaded",
  'gate_policy.published': 'A new gate policy version was published',
  'soa.control_updated': "A control's entry in the Statement of Applicability changed (a new version)",
  'compliance.pack_exported': 'An ISO/IEC 42001 evidence pack was downloaded',
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
  // Impact assessments and risk treatment.
  'assessment_template.published': 'A new impact-assessment template version was published',
  'impact_assessment.saved': "A use case's impact assessment was saved (a new revision)",
  'impact_assessment.submitted': 'An impact assessment was submitted for approval',
  'impact_assessment.approved': 'An impact assessment was approved by someone outside the team',
  'impact_assessment.changes_requested': 'An impact assessment was sent back to the team',
  'risk.accepted': 'A risk treated by acceptance was accepted by someone with the authority',
  // Webhooks: endpoints that receive the trail's events, signed.
  'webhook.created': 'A webhook endpoint was registered',
  'webhook.secret_rotated': "A webhook endpoint's signing secret was replaced (the previous one signs too for an overlap window)",
  'webhook.disabled': 'A webhook endpoint was disabled',
  'webhook.parked': 'Deliveries to a webhook endpoint stopped after too many consecutive failures',
  'webhook.redelivered': 'Deliveries to a webhook endpoint were resumed, or replayed from an earlier seq',
  // Refusals of governed actions (sign-offs, tier decisions, roles, reading the trail).
  'access.denied': 'A governed action was refused',
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

export function isAuditAction(value: string): value is AuditAction {
  return Object.prototype.hasOwnProperty.call(AUDIT_ACTIONS, value);
}

type Id = string;
/** Team roles, organisation roles, tiers, stages and gates, as the applications spell them. */
type Name = string;

interface Roles {
  roles: Name[];
}
interface UserSnapshot extends Roles {
  email: string;
  displayName: string;
  kind: Name;
  active: boolean;
}
interface RoleSlot {
  role: Name;
  quorum: number;
}
/** Every new revision of a use case's content records these; an action that makes one may add its own facts. */
export interface ContentChange {
  revision: number;
  contentHash: string;
  previousContentHash: string;
  changedFields: string[];
  changes: unknown;
  tier: Name;
  rereviewRequired: boolean;
}
interface Change<T> {
  before: T;
  after: T;
}

/**
 * What each action records beyond who, what, when and why: its `data`, and
 * `before`/`after` where the change has a before and an after. The writer
 * takes exactly these shapes, so an event's payload is stated once, here,
 * for every writer and every reader of an export.
 */
export interface AuditDetails {
  'audit.read': { data: { filter: Record<string, unknown>; returned: number } };
  'audit.exported': { data: { format: Name; filter: Record<string, unknown> } };
  'audit.verified': { data: { range: { fromSeq?: number; toSeq?: number }; intact: true; toSeq: number; headHash: string } };
  'user.created': { after: UserSnapshot; data?: ByMapping };
  'user.updated': Change<UserSnapshot>;
  'user.deactivated': Change<UserSnapshot>;
  'user.role_granted': { data: { role: Name } & Partial<ByMapping> } & Change<Roles>;
  'user.role_revoked': { data: { role: Name } & Partial<ByMapping> } & Change<Roles>;
  'user.password_changed': object;
  'auth.login_succeeded': { data: SignIn };
  'auth.login_failed': { data: SignIn };
  'auth.signed_out': { data: { sessionId: Id } };
  'team.created': { after: { name: string } };
  'team.member_added': { data: { userId: Id; role: Name } & Partial<ByMapping> };
  'team.member_removed': { data: { userId: Id; role: Name } & Partial<ByMapping> };
  'api_key.created': { after: { ownerId: Id; name: string; prefix: string; roles: Name[] } };
  'api_key.revoked': { data: { ownerId: Id; name: string; prefix: string } };
  'notification_preferences.changed': Change<{ muted: Name[] }>;
  'use_case.created': { after: unknown; data: { revision: 1; contentHash: string; tier: Name } };
  'use_case.updated': { data: ContentChange };
  'use_case.tier_overridden': { data: ContentChange & { requestId?: Id; proposedBy?: Id; confirmedBy?: Id } };
  'evidence.attached': {
    data: ContentChange & { evidenceId: Id; kind: Name; sha256: string | null; url: string | null; previousId: Id | null };
  };
  'evidence.downloaded': { data: { evidenceId: Id; kind: Name; sha256: string; sizeBytes: number | null } };
  'compliance.pack_exported': { data: { from: string | null; to: string; files: boolean } };
  'soa.control_updated': {
    data: { version: number; catalogue: number; controlId: string };
  } & Change<{ applicable: boolean; justification: string | null; status: Name | null; ownerId: Id | null }>;
  'gate_policy.published': { data: { version: number; documentHash: string; note: string | null } };
  'gate_review.opened': { data: { gate: Name; tier: Name; policyVersion: number; revision: number; contentHash: string; slots: RoleSlot[] } };
  'sign_off.recorded': {
    data: {
      reviewId: Id;
      gate: Name;
      role: Name;
      decision: Name;
      revision: number;
      contentHash: string;
      conditions: { description: string; ownerId?: Id; dueDate?: string }[];
      supersedes: Id | null;
    };
  };
  'sign_off.superseded': { data: { reviewId: Id; supersededBy: Id; previousDecision: Name } };
  'sign_off.staled': { data: { reviewId: Id; revision: number; contentHash: string; staleSignOffs: { signOffId: Id; signerId: Id; role: Name }[] } };
  'gate_review.passed': PassedGate;
  'gate_review.rejected': { data: { gate: Name; revision: number } };
  'gate_review.changes_requested': { data: { gate: Name; revision: number } };
  'use_case.rolled_back': Change<{ stage: Name }>;
  'use_case.retired': PassedGate;
  'obligation.updated': Change<{ status: Name }>;
  'gate_review.repinned': { data: { gate: Name; policyVersion: number } } & Change<{ tier: Name; slots: RoleSlot[] }>;
  'gate_review.superseded': { data: { gate: Name } } & Change<{ status: Name; tier: Name }>;
  'use_case.tier_change_proposed': { data: { requestId: Id; override: Name | null } } & Change<{ tier: Name }>;
  'use_case.tier_change_refused': { data: { requestId: Id; status: 'refused' | 'superseded'; proposedBy?: Id } };
  'assessment_template.published': { data: { version: number; documentHash: string; note: string | null } };
  'impact_assessment.saved': {
    data: { assessmentId: Id; revision: number; contentHash: string; previousContentHash: string | null; templateVersion: number; changedAnswers: string[]; status: Name; previousStatus: Name | null };
  };
  'impact_assessment.submitted': { data: { assessmentId: Id; revision: number; contentHash: string; templateVersion: number; useCaseRevision: number } };
  'impact_assessment.approved': AssessmentDecisionFacts;
  'impact_assessment.changes_requested': AssessmentDecisionFacts;
  'risk.accepted': {
    data: { acceptanceId: Id; riskHash: string; severity: number; residualSeverity: number | null; role: Name; useCaseRevision: number; policyVersion: number };
  };
  'access.denied': { data: { attempted: string; code: string; status: number; suppressedBefore: number } };
  // A URL may carry a credential (in its path or query): the trail keeps its origin and a hash of the whole.
  'webhook.created': { after: WebhookEndpointFacts };
  'webhook.secret_rotated': { data: { origin: string; previousSecretExpiresAt: string } };
  'webhook.disabled': { data: { origin: string } };
  'webhook.parked': { data: { origin: string; consecutiveFailures: number; stuckAtSeq: number; lastError: string } };
  'webhook.redelivered': { data: { origin: string; fromSeq: number | null; previousCursor: number; wasParked: boolean } };
}

interface WebhookEndpointFacts {
  origin: string;
  urlSha256: string;
  eventTypes: string[];
  description: string | null;
}

interface AssessmentDecisionFacts {
  data: { assessmentId: Id; decisionId: Id; revision: number; contentHash: string; templateVersion: number; role: Name; useCaseRevision: number; tier: Name };
}

interface SignIn {
  method?: 'password' | 'oidc';
  email?: string;
  reason?: string;
  /** Single sign-on: the provider's id (GATEHOUSE_OIDC_PROVIDERS), and what was wrong in more words. */
  provider?: string;
  detail?: string;
}
/** A change made by a single sign-on provider's role mapping at a sign-in (its actor is `oidc:<provider>`). */
interface ByMapping {
  source: 'oidc';
  provider: string;
  groups?: string[];
}

interface PassedGate extends Change<{ stage: Name }> {
  data: {
    gate: Name;
    revision: number;
    contentHash: string;
    policyVersion: number;
    approvals: { signOffId: Id; signerId: Id; role: Name }[];
    obligations: number;
  };
}
