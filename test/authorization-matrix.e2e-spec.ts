import { randomBytes } from 'node:crypto';
import { OrgRole, Principal } from '@app/auth';
import { UseCasesService } from '../apps/api/src/modules/use-cases/use-cases.service';
import { ApiKeysService } from '../apps/api/src/modules/identity/api-keys/api-keys.service';
import { PrincipalLoader } from '../apps/api/src/modules/identity/auth/principal.loader';
import { UsersService } from '../apps/api/src/modules/identity/users/users.service';
import { adminUser, asPrincipal, asSetup, bearer, createTestApp, givenApiKey, givenTeam, givenUseCase, givenUser, TEST_ADMIN, TestApp, useCaseBody, withClient } from './support';
import { answersFor } from './support/impact-assessment';
import { routeInventory } from './support/route-inventory';
import { UndeclaredModule } from './support/undeclared.module';

/**
 * Every route × every kind of caller, with the exact status expected. A route
 * added without a policy, or without a row here, fails this suite.
 */
const PRINCIPALS = [
  'anonymous', 'admin', 'legal', 'assessor', 'compliance_officer', 'developer', 'deployer',
  'otherTeamDeveloper', 'deactivatedUser', 'revokedKey', 'adminApiKey',
] as const;
type PrincipalName = (typeof PRINCIPALS)[number];
type Expectation = Record<PrincipalName, number>;

const SIGNED_OUT: PrincipalName[] = ['anonymous', 'deactivatedUser', 'revokedKey'];

/** `status` for the named callers, 401 for callers without valid credentials, `otherwise` for the rest. */
function allow(status: number, allowed: PrincipalName[] | 'everyone', otherwise = 403, overrides: Partial<Expectation> = {}): Expectation {
  return Object.fromEntries(
    PRINCIPALS.map((name) => [
      name,
      overrides[name] ?? (allowed === 'everyone' ? status : SIGNED_OUT.includes(name) ? 401 : allowed.includes(name) ? status : otherwise),
    ]),
  ) as Expectation;
}

const SIGNED_IN = PRINCIPALS.filter((name) => !SIGNED_OUT.includes(name));
const ADMINS: PrincipalName[] = ['admin', 'adminApiKey'];
const READERS: PrincipalName[] = ['admin', 'adminApiKey', 'compliance_officer'];
/** The use case's own team. */
const TEAM: PrincipalName[] = ['developer', 'deployer'];
/** Who reads every use case without being on its team. */
const ORG_READERS: PrincipalName[] = ['admin', 'adminApiKey', 'legal', 'assessor', 'compliance_officer'];
/** Use-case reads: the team and organisation readers; another team is told it does not exist. */
const readUseCase = (status = 200) => allow(status, [...TEAM, ...ORG_READERS], 404);
/** Use-case writes: the team only; readers from outside it are refused, another team is told it does not exist. */
const writeUseCase = (status = 200) => allow(status, TEAM, 403, { otherTeamDeveloper: 404 });
const UC = (f: Fixtures) => `/api/use-cases/${f.useCase.id}`;

interface Fixtures {
  t: TestApp;
  adminPrincipal: Principal;
  teamId: string;
  serviceAccount(roles?: OrgRole[]): Promise<string>;
  /** A use case of the developer's and deployer's team, with a risk, a file and a link. */
  useCase: { id: string; riskId: string; fileId: string; linkId: string };
  freshRisk(): Promise<string>;
  policyDocument: object;
  templateDocument: object;
  /** The id of a text question of the current assessment template. */
  textQuestionId: string;
  /** A fresh ready use case whose assessment is a draft with every required answer, ready to submit. */
  draftAssessment(): Promise<{ useCaseId: string; revision: number }>;
  /** As draftAssessment, submitted by the team. */
  submittedAssessment(): Promise<{ useCaseId: string; revision: number }>;
  /** A fresh risk of the use case, treated by acceptance, at severity 2. */
  riskToAccept(): Promise<string>;
  /** A use case in design with what its minimal design gate asks for. */
  readyUseCase(): Promise<string>;
  /** A review of a minimal use case, opened by another developer of the team. */
  freshReview(): Promise<{ id: string; revision: number }>;
  obligation: { useCaseId: string; id: string };
  /** A ready use case raised to high by a third assessor; with `propose`, that assessor has also proposed lowering it back. */
  pendingTierChange(propose: boolean): Promise<{ useCaseId: string; requestId?: string }>;
  /** The deployer's notification of the obligation review's decision (the team is told of decisions). */
  deployerNotificationId: string;
  /** A fresh, active webhook endpoint that never sends: its URL is a loopback address, refused at every delivery here. */
  webhookId(): Promise<string>;
}

interface RouteCase {
  route: string;
  expect: Expectation;
  request(f: Fixtures): Promise<{ path: string; body?: object; multipart?: Record<string, string> }>;
}

const fresh = () => randomBytes(5).toString('hex');

const CASES: RouteCase[] = [
  { route: 'GET /health/live', expect: allow(200, 'everyone'), request: async () => ({ path: '/health/live' }) },
  { route: 'GET /health/ready', expect: allow(200, 'everyone'), request: async () => ({ path: '/health/ready' }) },
  { route: 'POST /api/auth/login', expect: allow(200, 'everyone'), request: async () => ({ path: '/api/auth/login', body: TEST_ADMIN }) },
  // Browser sessions read their own cookie (test/browser-sessions.e2e-spec.ts); these callers send none.
  { route: 'POST /api/auth/session', expect: allow(200, 'everyone'), request: async () => ({ path: '/api/auth/session', body: TEST_ADMIN }) },
  { route: 'GET /api/auth/session', expect: allow(401, 'everyone'), request: async () => ({ path: '/api/auth/session' }) },
  { route: 'DELETE /api/auth/session', expect: allow(204, 'everyone'), request: async () => ({ path: '/api/auth/session' }) },
  // Single sign-on (test/oidc-sso.e2e-spec.ts): public; with no provider configured here, both OIDC routes redirect to the sign-in page.
  { route: 'GET /api/auth/providers', expect: allow(200, 'everyone'), request: async () => ({ path: '/api/auth/providers' }) },
  { route: 'GET /api/auth/oidc/:id/start', expect: allow(302, 'everyone'), request: async () => ({ path: '/api/auth/oidc/none/start' }) },
  { route: 'GET /api/auth/oidc/:id/callback', expect: allow(302, 'everyone'), request: async () => ({ path: '/api/auth/oidc/none/callback?state=x&code=y' }) },
  { route: 'GET /api/me', expect: allow(200, SIGNED_IN), request: async () => ({ path: '/api/me' }) },
  {
    route: 'POST /api/me/password',
    // Signed-in people reach the password check (422: wrong current password); a key may not change passwords.
    expect: allow(422, SIGNED_IN, 403, { adminApiKey: 403 }),
    request: async () => ({ path: '/api/me/password', body: { currentPassword: 'not-the-current-one', newPassword: 'another-long-password' } }),
  },
  { route: 'GET /api/me/api-keys', expect: allow(200, SIGNED_IN), request: async () => ({ path: '/api/me/api-keys' }) },
  {
    route: 'POST /api/me/api-keys',
    expect: allow(201, SIGNED_IN, 403, { adminApiKey: 403 }),
    request: async () => ({ path: '/api/me/api-keys', body: { name: `k-${fresh()}`, roles: [] } }),
  },
  {
    route: 'DELETE /api/me/api-keys/:id',
    // The admin's own key: its owner (or its owner's other key) revokes it; to anyone else it does not exist.
    expect: allow(200, ADMINS, 404),
    request: async (f) => {
      const key = await asPrincipal(f.t, f.adminPrincipal, () => f.t.app.get(ApiKeysService).create(f.adminPrincipal, f.adminPrincipal.userId, { name: `k-${fresh()}`, roles: [] }));
      return { path: `/api/me/api-keys/${key.id}` };
    },
  },
  { route: 'GET /api/users', expect: allow(200, READERS), request: async () => ({ path: '/api/users' }) },
  {
    route: 'POST /api/users',
    expect: allow(201, ADMINS),
    request: async () => ({ path: '/api/users', body: { email: `svc-${fresh()}@gatehouse.test`, displayName: 'Pipeline', kind: 'service' } }),
  },
  { route: 'GET /api/users/:id', expect: allow(200, READERS), request: async (f) => ({ path: `/api/users/${await f.serviceAccount()}` }) },
  {
    route: 'PATCH /api/users/:id',
    expect: allow(200, ADMINS),
    request: async (f) => ({ path: `/api/users/${await f.serviceAccount()}`, body: { displayName: 'Renamed' } }),
  },
  { route: 'POST /api/users/:id/deactivate', expect: allow(200, ADMINS), request: async (f) => ({ path: `/api/users/${await f.serviceAccount()}/deactivate` }) },
  { route: 'PUT /api/users/:id/roles/:role', expect: allow(200, ADMINS), request: async (f) => ({ path: `/api/users/${await f.serviceAccount()}/roles/legal` }) },
  {
    route: 'DELETE /api/users/:id/roles/:role',
    expect: allow(200, ADMINS),
    request: async (f) => ({ path: `/api/users/${await f.serviceAccount(['legal'])}/roles/legal` }),
  },
  { route: 'GET /api/users/:id/api-keys', expect: allow(200, READERS), request: async (f) => ({ path: `/api/users/${await f.serviceAccount()}/api-keys` }) },
  {
    route: 'POST /api/users/:id/api-keys',
    expect: allow(201, ['admin'], 403, { adminApiKey: 403 }),
    request: async (f) => ({ path: `/api/users/${await f.serviceAccount()}/api-keys`, body: { name: 'deploy', roles: [] } }),
  },
  {
    route: 'DELETE /api/api-keys/:id',
    expect: allow(200, ADMINS),
    request: async (f) => {
      const owner = await f.serviceAccount();
      const key = await asPrincipal(f.t, f.adminPrincipal, () => f.t.app.get(ApiKeysService).create(f.adminPrincipal, owner, { name: 'k', roles: [] }));
      return { path: `/api/api-keys/${key.id}` };
    },
  },
  { route: 'GET /api/teams', expect: allow(200, SIGNED_IN), request: async () => ({ path: '/api/teams' }) },
  { route: 'POST /api/teams', expect: allow(201, ADMINS), request: async () => ({ path: '/api/teams', body: { name: `team ${fresh()}` } }) },
  { route: 'GET /api/teams/:id', expect: allow(200, SIGNED_IN), request: async (f) => ({ path: `/api/teams/${f.teamId}` }) },
  {
    route: 'PUT /api/teams/:id/members/:userId/:role',
    expect: allow(200, ADMINS),
    request: async (f) => ({ path: `/api/teams/${f.teamId}/members/${await f.serviceAccount()}/developer` }),
  },
  {
    route: 'DELETE /api/teams/:id/members/:userId/:role',
    expect: allow(200, ADMINS),
    request: async (f) => ({ path: `/api/teams/${f.teamId}/members/${await f.serviceAccount()}/deployer` }),
  },
  { route: 'GET /api/audit/events', expect: allow(200, READERS), request: async () => ({ path: '/api/audit/events?limit=5' }) },
  { route: 'GET /api/audit/export', expect: allow(200, READERS), request: async () => ({ path: '/api/audit/export?action=user.created' }) },
  { route: 'GET /api/audit/verify', expect: allow(200, READERS), request: async () => ({ path: '/api/audit/verify' }) },
  { route: 'GET /api/compliance/iso42001/soa', expect: allow(200, READERS), request: async () => ({ path: '/api/compliance/iso42001/soa' }) },
  { route: 'GET /api/compliance/iso42001/soa/versions', expect: allow(200, READERS), request: async () => ({ path: '/api/compliance/iso42001/soa/versions' }) },
  { route: 'GET /api/compliance/iso42001/pack', expect: allow(200, READERS), request: async () => ({ path: '/api/compliance/iso42001/pack' }) },
  {
    route: 'PATCH /api/compliance/iso42001/soa/controls/:controlId',
    // Past the guard, an edit naming no version the statement ever had is refused as invalid: nothing changes.
    expect: allow(422, READERS),
    request: async () => ({ path: '/api/compliance/iso42001/soa/controls/A.6.2.4', body: { basedOnVersion: -1, status: 'planned' } }),
  },
  { route: 'GET /api/audit/public-key', expect: allow(200, READERS), request: async () => ({ path: '/api/audit/public-key' }) },
  { route: 'GET /api/audit/checkpoints', expect: allow(200, READERS), request: async () => ({ path: '/api/audit/checkpoints?limit=5' }) },
  { route: 'POST /api/audit/checkpoints', expect: allow(201, READERS), request: async () => ({ path: '/api/audit/checkpoints' }) },

  {
    route: 'POST /api/use-cases',
    // Anyone signed in may register, but only for a team they are on: others get 422 on developerTeamId.
    expect: allow(201, TEAM, 422),
    request: async (f) => ({ path: '/api/use-cases', body: useCaseBody(f.teamId) }),
  },
  { route: 'GET /api/use-cases', expect: allow(200, SIGNED_IN), request: async () => ({ path: '/api/use-cases' }) },
  { route: 'GET /api/use-cases/:id', expect: readUseCase(), request: async (f) => ({ path: UC(f) }) },
  { route: 'PATCH /api/use-cases/:id', expect: writeUseCase(), request: async (f) => ({ path: UC(f), body: { title: `Title ${fresh()}` } }) },
  {
    route: 'POST /api/use-cases/:id/risks',
    expect: writeUseCase(201),
    request: async (f) => ({ path: `${UC(f)}/risks`, body: { description: 'drift', category: 'safety', severity: 1, likelihood: 1 } }),
  },
  {
    route: 'PUT /api/use-cases/:id/risks/:riskId',
    expect: writeUseCase(),
    request: async (f) => ({ path: `${UC(f)}/risks/${f.useCase.riskId}`, body: { description: `drift ${fresh()}`, category: 'safety', severity: 1, likelihood: 2 } }),
  },
  { route: 'DELETE /api/use-cases/:id/risks/:riskId', expect: writeUseCase(), request: async (f) => ({ path: `${UC(f)}/risks/${await f.freshRisk()}` }) },
  {
    route: 'PUT /api/use-cases/:id/checklist/:itemId',
    expect: writeUseCase(),
    request: async (f) => ({ path: `${UC(f)}/checklist/design.define_use_case`, body: { answer: 'yes', note: fresh() } }),
  },
  {
    // Raising the tier takes effect at once.
    route: 'PUT /api/use-cases/:id/tier-override',
    expect: allow(200, ['legal', 'assessor']),
    request: async (f) => ({ path: `/api/use-cases/${await f.readyUseCase()}/tier-override`, body: { tier: 'high', justification: `reviewed ${fresh()}` } }),
  },
  {
    // Removing an override that raised the tier lowers it: a proposal for a second person (202).
    route: 'DELETE /api/use-cases/:id/tier-override',
    expect: allow(202, ['legal', 'assessor']),
    request: async (f) => ({ path: `/api/use-cases/${(await f.pendingTierChange(false)).useCaseId}/tier-override` }),
  },
  {
    route: 'GET /api/use-cases/:id/tier-change-requests',
    expect: readUseCase(),
    request: async (f) => ({ path: `${UC(f)}/tier-change-requests` }),
  },
  {
    // The second person confirms a lowering someone else proposed.
    route: 'POST /api/use-cases/:id/tier-change-requests/:requestId/decision',
    expect: allow(200, ['legal', 'assessor']),
    request: async (f) => {
      const { useCaseId, requestId } = await f.pendingTierChange(true);
      return { path: `/api/use-cases/${useCaseId}/tier-change-requests/${requestId}/decision`, body: { decision: 'confirm', comment: 'agreed' } };
    },
  },
  { route: 'GET /api/use-cases/:id/revisions', expect: readUseCase(), request: async (f) => ({ path: `${UC(f)}/revisions` }) },
  { route: 'GET /api/use-cases/:id/revisions/:revision', expect: readUseCase(), request: async (f) => ({ path: `${UC(f)}/revisions/1` }) },
  { route: 'GET /api/use-cases/:id/revisions/:from/diff/:to', expect: readUseCase(), request: async (f) => ({ path: `${UC(f)}/revisions/1/diff/2` }) },
  {
    route: 'POST /api/use-cases/:id/evidence',
    expect: writeUseCase(201),
    request: async (f) => ({ path: `${UC(f)}/evidence`, multipart: { kind: 'test_report', title: `report ${fresh()}` } }),
  },
  {
    route: 'POST /api/use-cases/:id/evidence/links',
    expect: writeUseCase(201),
    request: async (f) => ({ path: `${UC(f)}/evidence/links`, body: { kind: 'datasheet', title: 'datasheet', url: `https://wiki.example.com/${fresh()}` } }),
  },
  { route: 'GET /api/use-cases/:id/evidence', expect: readUseCase(), request: async (f) => ({ path: `${UC(f)}/evidence` }) },
  { route: 'GET /api/use-cases/:id/evidence/:evidenceId', expect: readUseCase(), request: async (f) => ({ path: `${UC(f)}/evidence/${f.useCase.linkId}` }) },
  { route: 'GET /api/use-cases/:id/evidence/:evidenceId/content', expect: readUseCase(), request: async (f) => ({ path: `${UC(f)}/evidence/${f.useCase.fileId}/content` }) },

  { route: 'GET /api/use-cases/:id/impact-assessment', expect: readUseCase(), request: async (f) => ({ path: `${UC(f)}/impact-assessment` }) },
  {
    route: 'PUT /api/use-cases/:id/impact-assessment',
    expect: writeUseCase(),
    request: async (f) => ({ path: `${UC(f)}/impact-assessment`, body: { answers: { [f.textQuestionId]: `answer ${fresh()}` } } }),
  },
  {
    route: 'POST /api/use-cases/:id/impact-assessment/submit',
    expect: writeUseCase(),
    request: async (f) => {
      const { useCaseId, revision } = await f.draftAssessment();
      return { path: `/api/use-cases/${useCaseId}/impact-assessment/submit`, body: { revision } };
    },
  },
  {
    // Outside the team, in a role the policy names and the caller holds: an assessor naming legal is refused (403 role-not-held).
    route: 'POST /api/use-cases/:id/impact-assessment/decisions',
    expect: allow(201, ['legal'], 403),
    request: async (f) => {
      const { useCaseId, revision } = await f.submittedAssessment();
      return { path: `/api/use-cases/${useCaseId}/impact-assessment/decisions`, body: { revision, role: 'legal', decision: 'approve', comment: 'fine' } };
    },
  },
  {
    route: 'POST /api/use-cases/:id/risks/:riskId/acceptance',
    // An assessor naming the legal role does not hold it (403); legal does.
    expect: allow(201, ['legal'], 403),
    request: async (f) => ({ path: `${UC(f)}/risks/${await f.riskToAccept()}/acceptance`, body: { role: 'legal', comment: 'we live with it' } }),
  },
  { route: 'GET /api/assessment-templates', expect: allow(200, SIGNED_IN), request: async () => ({ path: '/api/assessment-templates' }) },
  { route: 'GET /api/assessment-templates/current', expect: allow(200, SIGNED_IN), request: async () => ({ path: '/api/assessment-templates/current' }) },
  { route: 'GET /api/assessment-templates/:version', expect: allow(200, SIGNED_IN), request: async () => ({ path: '/api/assessment-templates/1' }) },
  { route: 'POST /api/assessment-templates', expect: allow(201, ADMINS), request: async (f) => ({ path: '/api/assessment-templates', body: { document: f.templateDocument } }) },
  { route: 'GET /api/gate-policies', expect: allow(200, SIGNED_IN), request: async () => ({ path: '/api/gate-policies' }) },
  { route: 'GET /api/gate-policies/current', expect: allow(200, SIGNED_IN), request: async () => ({ path: '/api/gate-policies/current' }) },
  { route: 'GET /api/gate-policies/:version', expect: allow(200, SIGNED_IN), request: async () => ({ path: '/api/gate-policies/1' }) },
  { route: 'POST /api/gate-policies', expect: allow(201, ADMINS), request: async (f) => ({ path: '/api/gate-policies', body: { document: f.policyDocument } }) },

  {
    route: 'POST /api/use-cases/:id/reviews',
    expect: writeUseCase(201),
    request: async (f) => ({ path: `/api/use-cases/${await f.readyUseCase()}/reviews`, body: { gate: 'design_to_develop' } }),
  },
  { route: 'GET /api/use-cases/:id/reviews', expect: readUseCase(), request: async (f) => ({ path: `${UC(f)}/reviews` }) },
  { route: 'GET /api/reviews/overdue', expect: allow(200, SIGNED_IN), request: async () => ({ path: '/api/reviews/overdue' }) },
  { route: 'GET /api/reviews/:reviewId', expect: readUseCase(), request: async (f) => ({ path: `/api/reviews/${(await f.freshReview()).id}` }) },
  {
    route: 'POST /api/reviews/:reviewId/sign-offs',
    // Everyone tries the developer slot: only a developer of the team holds it; a key is not a person.
    expect: allow(201, ['developer'], 403, { otherTeamDeveloper: 404 }),
    request: async (f) => {
      const review = await f.freshReview();
      return { path: `/api/reviews/${review.id}/sign-offs`, body: { role: 'developer', decision: 'approve', comment: 'ok', revision: review.revision } };
    },
  },
  {
    route: 'POST /api/use-cases/:id/rollback',
    // A use case in design has no earlier stage: whoever may see it gets the validation error.
    expect: readUseCase(422),
    request: async (f) => ({ path: `${UC(f)}/rollback`, body: { toStage: 'design', reason: 'incident' } }),
  },
  { route: 'GET /api/use-cases/:id/clearance', expect: readUseCase(), request: async (f) => ({ path: `${UC(f)}/clearance?stage=develop` }) },
  { route: 'GET /api/use-cases/:id/obligations', expect: readUseCase(), request: async (f) => ({ path: `/api/use-cases/${f.obligation.useCaseId}/obligations` }) },
  {
    route: 'PATCH /api/use-cases/:id/obligations/:obligationId',
    expect: writeUseCase(),
    request: async (f) => ({ path: `/api/use-cases/${f.obligation.useCaseId}/obligations/${f.obligation.id}`, body: { status: 'closed' } }),
  },
  { route: 'GET /api/me/inbox', expect: allow(200, SIGNED_IN), request: async () => ({ path: '/api/me/inbox' }) },
  { route: 'GET /api/me/notifications', expect: allow(200, SIGNED_IN), request: async () => ({ path: '/api/me/notifications' }) },
  {
    route: 'POST /api/me/notifications/:id/read',
    // Its recipient reads it; to anyone else it does not exist.
    expect: allow(404, SIGNED_IN, 403, { deployer: 200 }),
    request: async (f) => ({ path: `/api/me/notifications/${f.deployerNotificationId}/read` }),
  },
  { route: 'GET /api/me/notification-preferences', expect: allow(200, SIGNED_IN), request: async () => ({ path: '/api/me/notification-preferences' }) },
  { route: 'PUT /api/me/notification-preferences', expect: allow(200, SIGNED_IN), request: async () => ({ path: '/api/me/notification-preferences', body: { muted: ['re_review_due'] } }) },

  {
    route: 'POST /api/webhooks',
    // Past the guard, a loopback URL is refused (this app allows none): nothing is registered, nothing sent.
    expect: allow(422, ADMINS),
    request: async () => ({ path: '/api/webhooks', body: { url: 'https://127.0.0.1/hook', eventTypes: ['*'] } }),
  },
  { route: 'GET /api/webhooks', expect: allow(200, ADMINS), request: async () => ({ path: '/api/webhooks' }) },
  { route: 'GET /api/webhooks/:id', expect: allow(200, ADMINS), request: async (f) => ({ path: `/api/webhooks/${await f.webhookId()}` }) },
  { route: 'DELETE /api/webhooks/:id', expect: allow(200, ADMINS), request: async (f) => ({ path: `/api/webhooks/${await f.webhookId()}` }) },
  { route: 'POST /api/webhooks/:id/rotate-secret', expect: allow(200, ADMINS), request: async (f) => ({ path: `/api/webhooks/${await f.webhookId()}/rotate-secret` }) },
  { route: 'GET /api/webhooks/:id/deliveries', expect: allow(200, ADMINS), request: async (f) => ({ path: `/api/webhooks/${await f.webhookId()}/deliveries` }) },
  { route: 'POST /api/webhooks/:id/redeliver', expect: allow(200, ADMINS), request: async (f) => ({ path: `/api/webhooks/${await f.webhookId()}/redeliver`, body: {} }) },
];

describe('authorization', () => {
  let t: TestApp;
  let fixtures: Fixtures;
  const credentials = {} as Record<PrincipalName, Record<string, string>>;

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await adminUser(t);
    const teamA = await givenTeam(t);
    const teamB = await givenTeam(t);
    const adminPrincipal = (await t.app.get(PrincipalLoader).forUser(admin.id))!;
    const person = async (roles: OrgRole[], teams: { teamId: string; role: 'developer' | 'deployer' }[] = []) =>
      bearer((await givenUser(t, { roles, teams })).token);

    credentials.anonymous = {};
    credentials.admin = bearer(admin.token);
    credentials.legal = await person(['legal']);
    credentials.assessor = await person(['assessor']);
    credentials.compliance_officer = await person(['compliance_officer']);
    const developerUser = await givenUser(t, { teams: [{ teamId: teamA.id, role: 'developer' }] });
    credentials.developer = bearer(developerUser.token);
    credentials.deployer = await person([], [{ teamId: teamA.id, role: 'deployer' }]);
    credentials.otherTeamDeveloper = await person([], [{ teamId: teamB.id, role: 'developer' }]);
    const toDeactivate = await givenUser(t, { roles: ['admin'] });
    credentials.deactivatedUser = bearer(toDeactivate.token);
    await asPrincipal(t, adminPrincipal, () => t.app.get(UsersService).deactivate(adminPrincipal, toDeactivate.id));
    const revoked = await givenApiKey(t, admin, ['admin']);
    credentials.revokedKey = bearer(revoked.token);
    await asSetup(t, () => t.app.get(ApiKeysService).revoke(revoked.id));
    credentials.adminApiKey = { 'X-API-Key': (await givenApiKey(t, admin, ['admin'])).token };

    const developerPrincipal = (await t.app.get(PrincipalLoader).forUser(developerUser.id))!;
    const useCase = await givenUseCase(t, developerUser.token, teamA.id);
    const withRisk = await asPrincipal(t, developerPrincipal, () => t.app.get(UseCasesService).addRisk(developerPrincipal, useCase.id, { description: 'bias', category: 'fairness', severity: 2, likelihood: 2 }));
    const file = await t.http().post(`/api/use-cases/${useCase.id}/evidence`).set(bearer(developerUser.token))
      .field('kind', 'model_card').field('title', 'Model card').attach('file', Buffer.from('model card'), 'card.txt').expect(201);
    const link = await t.http().post(`/api/use-cases/${useCase.id}/evidence/links`).set(bearer(developerUser.token))
      .send({ kind: 'datasheet', title: 'Datasheet', url: 'https://wiki.example.com/datasheet' }).expect(201);

    const opener = await givenUser(t, { teams: [{ teamId: teamA.id, role: 'developer' }] });
    const readyUseCase = async () => {
      const ready = await givenUseCase(t, opener.token, teamA.id);
      await t.http().post(`/api/use-cases/${ready.id}/evidence/links`).set(bearer(opener.token)).send({ kind: 'risk_assessment', title: 'RA', url: 'https://x.example.com/ra' }).expect(201);
      for (const item of ['design.define_use_case', 'design.assess_risks', 'design.identify_limitations']) {
        await t.http().put(`/api/use-cases/${ready.id}/checklist/${item}`).set(bearer(opener.token)).send({ answer: 'yes' }).expect(200);
      }
      return ready.id;
    };
    const freshReview = async () => {
      const res = await t.http().post(`/api/use-cases/${await readyUseCase()}/reviews`).set(bearer(opener.token)).send({ gate: 'design_to_develop' }).expect(201);
      return { id: res.body.id as string, revision: res.body.revision as number };
    };
    const obligationReview = await freshReview();
    await t.http().post(`/api/reviews/${obligationReview.id}/sign-offs`).set(bearer(developerUser.token))
      .send({ role: 'developer', decision: 'approve', comment: 'ok', revision: obligationReview.revision, conditions: [{ description: 'monitor drift' }] }).expect(201);
    const obligationUseCase = (await t.http().get(`/api/reviews/${obligationReview.id}`).set(bearer(developerUser.token))).body.useCaseId;
    const [obligation] = (await t.http().get(`/api/use-cases/${obligationUseCase}/obligations`).set(bearer(developerUser.token))).body;
    const [deployerNotification] = (await t.http().get('/api/me/notifications').set(credentials.deployer).expect(200)).body.items;

    const tierAssessor = await givenUser(t, { roles: ['assessor'] });
    const pendingTierChange = async (propose: boolean) => {
      const useCaseId = await readyUseCase();
      await t.http().put(`/api/use-cases/${useCaseId}/tier-override`).set(bearer(tierAssessor.token)).send({ tier: 'high', justification: 'raised for the matrix' }).expect(200);
      if (!propose) return { useCaseId };
      const proposal = await t.http().delete(`/api/use-cases/${useCaseId}/tier-override`).set(bearer(tierAssessor.token)).expect(202);
      return { useCaseId, requestId: proposal.body.id as string };
    };

    const template = (await t.http().get('/api/assessment-templates/current').set(bearer(admin.token)).expect(200)).body;
    const textQuestionId: string = template.document.sections.flatMap((section: { questions: { id: string; kind: string }[] }) => section.questions).find((q: { kind: string }) => q.kind === 'text').id;
    await t.http().put(`/api/use-cases/${useCase.id}/impact-assessment`).set(bearer(developerUser.token)).send({ answers: {} }).expect(200);
    const draftAssessment = async () => {
      const useCaseId = await readyUseCase();
      const saved = await t.http().put(`/api/use-cases/${useCaseId}/impact-assessment`).set(bearer(opener.token)).send({ answers: answersFor(template.document) }).expect(200);
      return { useCaseId, revision: saved.body.revision as number };
    };

    fixtures = {
      t,
      templateDocument: template.document,
      textQuestionId,
      draftAssessment,
      submittedAssessment: async () => {
        const draft = await draftAssessment();
        await t.http().post(`/api/use-cases/${draft.useCaseId}/impact-assessment/submit`).set(bearer(opener.token)).send({ revision: draft.revision }).expect(200);
        return draft;
      },
      riskToAccept: async () => {
        const view = await asPrincipal(t, developerPrincipal, () =>
          t.app.get(UseCasesService).addRisk(developerPrincipal, useCase.id, { description: `r ${fresh()}`, category: 'safety', severity: 2, likelihood: 1, treatment: 'accept', owner: 'ops lead' }),
        );
        return view.content.risks[view.content.risks.length - 1].id;
      },
      pendingTierChange,
      deployerNotificationId: deployerNotification.id,
      webhookId: async () => {
        // Written as the owner, past the registration's address check, so the endpoint exists without ever being sent to.
        const [row] = await withClient(t.database.url, async (owner) =>
          (await owner.query(
            `INSERT INTO webhook_endpoints (url, event_types, secret, created_by, cursor_seq)
             VALUES ('https://127.0.0.1:9/never', '{webhook.parked}', $2, $1, 0) RETURNING id`,
            [admin.id, `whsec_${randomBytes(32).toString('base64')}`],
          )).rows,
        );
        return row.id as string;
      },
      adminPrincipal,
      teamId: teamA.id,
      readyUseCase,
      freshReview,
      obligation: { useCaseId: obligationUseCase, id: obligation.id },
      useCase: { id: useCase.id, riskId: withRisk.content.risks[0].id, fileId: file.body.id, linkId: link.body.id },
      freshRisk: async () => {
        const view = await asPrincipal(t, developerPrincipal, () => t.app.get(UseCasesService).addRisk(developerPrincipal, useCase.id, { description: `r ${fresh()}`, category: 'safety', severity: 1, likelihood: 1 }));
        return view.content.risks[view.content.risks.length - 1].id;
      },
      policyDocument: (await t.http().get('/api/gate-policies/current').set(bearer(admin.token))).body.document,
      serviceAccount: async (roles = []) => {
        const user = await asSetup(t, () =>
          t.app.get(UsersService).create({ email: `svc-${fresh()}@gatehouse.test`, displayName: 'Service', kind: 'service', roles }),
        );
        return user.id;
      },
    };
  });
  afterAll(() => t.close());

  it('every route declares a policy, and the declarations are these', () => {
    const inventory = routeInventory(t.app);
    expect(inventory.filter((route) => route.policy === 'NONE')).toEqual([]);
    expect(inventory.map((route) => `${route.route} → ${route.policy}`)).toEqual([
      'DELETE /api/api-keys/:id → identity:manage',
      'DELETE /api/auth/session → public',
      'DELETE /api/me/api-keys/:id → authenticated',
      'DELETE /api/teams/:id/members/:userId/:role → identity:manage',
      'DELETE /api/use-cases/:id/risks/:riskId → use_cases:write',
      'DELETE /api/use-cases/:id/tier-override → use_cases:override_tier',
      'DELETE /api/users/:id/roles/:role → identity:manage',
      'DELETE /api/webhooks/:id → webhooks:manage',
      'GET /api/assessment-templates → gate_policies:read',
      'GET /api/assessment-templates/:version → gate_policies:read',
      'GET /api/assessment-templates/current → gate_policies:read',
      'GET /api/audit/checkpoints → audit:read',
      'GET /api/audit/events → audit:read',
      'GET /api/audit/export → audit:read',
      'GET /api/audit/public-key → audit:read',
      'GET /api/audit/verify → audit:read',
      'GET /api/auth/oidc/:id/callback → public',
      'GET /api/auth/oidc/:id/start → public',
      'GET /api/auth/providers → public',
      'GET /api/auth/session → public',
      'GET /api/compliance/iso42001/pack → compliance:read',
      'GET /api/compliance/iso42001/soa → compliance:read',
      'GET /api/compliance/iso42001/soa/versions → compliance:read',
      'GET /api/gate-policies → gate_policies:read',
      'GET /api/gate-policies/:version → gate_policies:read',
      'GET /api/gate-policies/current → gate_policies:read',
      'GET /api/me → authenticated',
      'GET /api/me/api-keys → authenticated',
      'GET /api/me/inbox → authenticated',
      'GET /api/me/notification-preferences → authenticated',
      'GET /api/me/notifications → authenticated',
      'GET /api/reviews/:reviewId → use_cases:read',
      'GET /api/reviews/overdue → use_cases:read',
      'GET /api/teams → authenticated',
      'GET /api/teams/:id → authenticated',
      'GET /api/use-cases → use_cases:read',
      'GET /api/use-cases/:id → use_cases:read',
      'GET /api/use-cases/:id/clearance → use_cases:read',
      'GET /api/use-cases/:id/evidence → use_cases:read',
      'GET /api/use-cases/:id/evidence/:evidenceId → use_cases:read',
      'GET /api/use-cases/:id/evidence/:evidenceId/content → use_cases:read',
      'GET /api/use-cases/:id/impact-assessment → use_cases:read',
      'GET /api/use-cases/:id/obligations → use_cases:read',
      'GET /api/use-cases/:id/reviews → use_cases:read',
      'GET /api/use-cases/:id/revisions → use_cases:read',
      'GET /api/use-cases/:id/revisions/:from/diff/:to → use_cases:read',
      'GET /api/use-cases/:id/revisions/:revision → use_cases:read',
      'GET /api/use-cases/:id/tier-change-requests → use_cases:read',
      'GET /api/users → identity:read',
      'GET /api/users/:id → identity:read',
      'GET /api/users/:id/api-keys → identity:read',
      'GET /api/webhooks → webhooks:manage',
      'GET /api/webhooks/:id → webhooks:manage',
      'GET /api/webhooks/:id/deliveries → webhooks:manage',
      'GET /health/live → public',
      'GET /health/ready → public',
      'PATCH /api/compliance/iso42001/soa/controls/:controlId → compliance:manage',
      'PATCH /api/use-cases/:id → use_cases:write',
      'PATCH /api/use-cases/:id/obligations/:obligationId → use_cases:write',
      'PATCH /api/users/:id → identity:manage',
      'POST /api/assessment-templates → gate_policies:manage',
      'POST /api/audit/checkpoints → audit:read',
      'POST /api/auth/login → public',
      'POST /api/auth/session → public',
      'POST /api/gate-policies → gate_policies:manage',
      'POST /api/me/api-keys → authenticated',
      'POST /api/me/notifications/:id/read → authenticated',
      'POST /api/me/password → authenticated',
      'POST /api/reviews/:reviewId/sign-offs → gate_reviews:decide',
      'POST /api/teams → identity:manage',
      'POST /api/use-cases → use_cases:write',
      'POST /api/use-cases/:id/evidence → use_cases:write',
      'POST /api/use-cases/:id/evidence/links → use_cases:write',
      'POST /api/use-cases/:id/impact-assessment/decisions → impact_assessments:decide',
      'POST /api/use-cases/:id/impact-assessment/submit → use_cases:write',
      'POST /api/use-cases/:id/reviews → use_cases:write',
      'POST /api/use-cases/:id/risks → use_cases:write',
      'POST /api/use-cases/:id/risks/:riskId/acceptance → risks:accept',
      'POST /api/use-cases/:id/rollback → gate_reviews:decide',
      'POST /api/use-cases/:id/tier-change-requests/:requestId/decision → use_cases:override_tier',
      'POST /api/users → identity:manage',
      'POST /api/users/:id/api-keys → identity:manage',
      'POST /api/users/:id/deactivate → identity:manage',
      'POST /api/webhooks → webhooks:manage',
      'POST /api/webhooks/:id/redeliver → webhooks:manage',
      'POST /api/webhooks/:id/rotate-secret → webhooks:manage',
      'PUT /api/me/notification-preferences → authenticated',
      'PUT /api/teams/:id/members/:userId/:role → identity:manage',
      'PUT /api/use-cases/:id/checklist/:itemId → use_cases:write',
      'PUT /api/use-cases/:id/impact-assessment → use_cases:write',
      'PUT /api/use-cases/:id/risks/:riskId → use_cases:write',
      'PUT /api/use-cases/:id/tier-override → use_cases:override_tier',
      'PUT /api/users/:id/roles/:role → identity:manage',
    ]);
  });

  it('the matrix covers every route of the app', () => {
    expect(CASES.map((c) => c.route).sort()).toEqual(routeInventory(t.app).map((route) => route.route).sort());
  });

  describe.each(CASES)('$route', (routeCase) => {
    it.each(PRINCIPALS)('as %s', async (principal) => {
      const { path, body, multipart } = await routeCase.request(fixtures);
      const [method] = routeCase.route.split(' ');
      let call = t.http()[method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](path).set(credentials[principal]);
      if (multipart) {
        for (const [name, value] of Object.entries(multipart)) call = call.field(name, value);
        call = call.attach('file', Buffer.from(`evidence ${fresh()}`), 'evidence.txt');
      }
      const res = await (body ? call.send(body) : call);
      expect({ principal, status: res.status, detail: res.status >= 400 ? res.body.detail : undefined }).toMatchObject({
        principal,
        status: routeCase.expect[principal],
      });
      if (res.status >= 400) expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    });
  });
});

describe('deny by default', () => {
  it('refuses a route that declares no policy, even to an admin', async () => {
    const t = await createTestApp({ imports: [UndeclaredModule] });
    try {
      expect(routeInventory(t.app).find((route) => route.route === 'GET /undeclared')).toEqual({ route: 'GET /undeclared', policy: 'NONE' });
      await t.http().get('/undeclared').expect(401);
      const res = await t.http().get('/undeclared').set(bearer((await adminUser(t)).token));
      expect(res.status).toBe(403);
      expect(res.body.type).toBe('urn:gatehouse:problem:no-access-policy');
    } finally {
      await t.close();
    }
  });
});
