import { randomBytes } from 'node:crypto';
import { ApiKeysService } from '../../../apps/api/src/modules/identity/api-keys/api-keys.service';
import { PrincipalLoader } from '../../../apps/api/src/modules/identity/auth/principal.loader';
import { TeamsService } from '../../../apps/api/src/modules/identity/teams/teams.service';
import { UsersService } from '../../../apps/api/src/modules/identity/users/users.service';
import { adminUser, asPrincipal, asSetup, bearer, givenUser, TestUser } from '../identity-helpers';
import { givenReviewWorld, givenUseCaseAt, openReview, signOff } from '../review-world';
import { routeInventory } from '../route-inventory';
import { TestApp } from '../test-app';
import { useCaseBody } from '../use-case-helpers';
import { Prng } from './prng';

/**
 * What the fuzzer needs to send requests a route would accept: callers who
 * can reach each route, ids of existing things, a valid body per schema.
 * Identity routes that change or remove things get throw-away users, a team
 * and keys of their own, so the fuzz cannot lock out the callers it uses.
 */
export interface FuzzWorld {
  /** Caller name → headers ({} for anonymous). */
  principals: Record<string, Record<string, string>>;
  /** Callers that the route's declared policy lets in. */
  reachers(route: string): string[];
  /** Valid path parameters for the route. */
  validParams(route: string, prng: Prng): Record<string, string>;
  /** A valid body for a schema by component name (undefined: build one from the schema). */
  example(schemaName: string | undefined, prng: Prng): unknown;
  /** An existing id of the kind a uuid-typed query parameter or field names. */
  someId(name: string, prng: Prng): string;
  /** Use cases whose evidence is downloaded after the fuzz. */
  useCaseIds: string[];
  /** Who reads every use case: for the download sweep. */
  readerHeaders: Record<string, string>;
}

const ORG_ROLES = ['admin', 'legal', 'assessor', 'compliance_officer'];
const SIGNED_IN = ['admin', 'adminKey', 'developer', 'developer2', 'deployer', 'legal', 'assessor', 'compliance'];

/** Who the fuzz sends as, per declared policy (test/support/route-inventory.ts). */
const REACHERS: Record<string, string[]> = {
  public: ['anonymous', ...SIGNED_IN],
  authenticated: SIGNED_IN,
  'identity:manage': ['admin', 'adminKey'],
  'identity:read': ['admin', 'compliance', 'adminKey'],
  'audit:read': ['admin', 'compliance', 'adminKey'],
  'gate_policies:read': SIGNED_IN,
  'gate_policies:manage': ['admin'],
  'use_cases:read': ['developer', 'developer2', 'deployer', 'legal', 'assessor', 'admin'],
  'use_cases:write': ['developer', 'developer2', 'deployer'],
  'use_cases:override_tier': ['legal', 'assessor'],
  'gate_reviews:decide': ['legal', 'developer2', 'deployer', 'assessor'],
};

const hex = () => randomBytes(4).toString('hex');

export async function givenFuzzWorld(t: TestApp): Promise<FuzzWorld> {
  const admin = await adminUser(t);
  const adminPrincipal = (await t.app.get(PrincipalLoader).forUser(admin.id))!;
  const world = await givenReviewWorld(t);
  const compliance = await givenUser(t, { roles: ['compliance_officer'], name: 'compliance' });
  const adminKey = await asPrincipal(t, adminPrincipal, () => t.app.get(ApiKeysService).create(adminPrincipal, admin.id, { name: 'fuzz admin key', roles: ['admin'] }));
  const as = (user: TestUser) => bearer(user.token);

  // The main use case: a risk, a file and a link; a second one under review; one with an obligation; one with a pending tier change.
  const mainId = await givenUseCaseAt(t, world, 'limited');
  await t.http().post(`/api/use-cases/${mainId}/risks`).set(as(world.opener)).send({ description: 'drift', category: 'fairness', severity: 1, likelihood: 2 }).expect(201);
  const file = await t.http().post(`/api/use-cases/${mainId}/evidence`).set(as(world.opener))
    .field('kind', 'model_card').field('title', 'Model card').attach('file', Buffer.from('model card'), 'card.txt').expect(201);
  const link = await t.http().post(`/api/use-cases/${mainId}/evidence/links`).set(as(world.opener))
    .send({ kind: 'datasheet', title: 'Datasheet', url: 'https://wiki.example.com/datasheet' }).expect(201);
  const main = (await t.http().get(`/api/use-cases/${mainId}`).set(as(world.opener)).expect(200)).body;
  const riskIds: string[] = main.content.risks.map((risk: { id: string }) => risk.id);

  const reviewUseCase = await givenUseCaseAt(t, world, 'minimal');
  const review = await openReview(t, world, reviewUseCase, 'design_to_develop', 'minimal');

  const obligationUseCase = await givenUseCaseAt(t, world, 'minimal');
  const obligationReview = await openReview(t, world, obligationUseCase, 'design_to_develop', 'minimal');
  await signOff(t, world.developer, obligationReview.id, 'developer', obligationReview.revision, 'approve', { conditions: [{ description: 'monitor drift' }] }).expect(201);
  const [obligation] = (await t.http().get(`/api/use-cases/${obligationUseCase}/obligations`).set(as(world.developer)).expect(200)).body;

  const tierUseCase = await givenUseCaseAt(t, world, 'minimal');
  await t.http().put(`/api/use-cases/${tierUseCase}/tier-override`).set(as(world.assessors[1])).send({ tier: 'high', justification: 'raised for the fuzz run' }).expect(200);
  const proposal = await t.http().delete(`/api/use-cases/${tierUseCase}/tier-override`).set(as(world.assessors[1])).expect(202);

  // Throw-away identities for the routes that change or remove them.
  const spareTeam = await asSetup(t, () => t.app.get(TeamsService).create(`fuzz spare ${hex()}`));
  const spareUsers: string[] = [];
  for (let i = 0; i < 4; i++) {
    const user = await asSetup(t, () => t.app.get(UsersService).create({ email: `spare-${hex()}@gatehouse.test`, displayName: `Spare ${i}`, kind: 'service', roles: [] }));
    spareUsers.push(user.id);
  }
  const spareKeys: string[] = [];
  for (const owner of [admin.id, ...spareUsers.slice(0, 2)]) {
    spareKeys.push((await asPrincipal(t, adminPrincipal, () => t.app.get(ApiKeysService).create(adminPrincipal, owner, { name: `spare ${hex()}`, roles: [] }))).id);
  }
  const policy = (await t.http().get('/api/gate-policies/current').set(as(admin)).expect(200)).body.document;
  const checklistItems = Object.keys(policy.checklistItems);

  const principals: Record<string, Record<string, string>> = {
    anonymous: {},
    admin: as(admin),
    adminKey: { 'X-API-Key': adminKey.token },
    developer: as(world.opener),
    developer2: as(world.developer),
    deployer: as(world.deployer),
    legal: as(world.legal),
    assessor: as(world.assessors[0]),
    compliance: as(compliance),
    outsider: as(await givenUser(t, { teams: [{ teamId: spareTeam.id, role: 'developer' }], name: 'outsider' })),
  };
  const policies = new Map(routeInventory(t.app).map(({ route, policy: declared }) => [route, declared]));
  const useCaseIds = [mainId, mainId, mainId, reviewUseCase, obligationUseCase, tierUseCase];

  const validParams = (route: string, prng: Prng): Record<string, string> => {
    const path = route.split(' ')[1];
    const params: Record<string, string> = {
      id: prng.pick(useCaseIds),
      riskId: prng.pick(riskIds),
      itemId: prng.pick(checklistItems),
      revision: String(prng.int(1, 3)),
      from: String(prng.int(1, 2)),
      to: String(prng.int(2, 3)),
      evidenceId: prng.pick([file.body.id, link.body.id]),
      reviewId: review.id,
      requestId: proposal.body.id,
      obligationId: obligation.id,
      version: '1',
      userId: prng.pick(spareUsers),
      role: prng.pick(ORG_ROLES),
    };
    if (path.startsWith('/api/users/')) params.id = prng.pick(spareUsers);
    if (path.startsWith('/api/teams/')) params.id = path.includes('members') ? spareTeam.id : prng.pick([spareTeam.id, world.devTeam, world.opsTeam]);
    if (path.includes('/members/')) params.role = prng.pick(['developer', 'deployer']);
    if (path.includes('api-keys/')) params.id = prng.pick(spareKeys);
    if (/\/(risks|evidence)/.test(path) || path.endsWith('/revisions/:revision') || path.includes('/diff/')) params.id = mainId;
    if (path.includes('/obligations')) params.id = obligationUseCase;
    if (path.includes('/tier-change-requests')) params.id = tierUseCase;
    if (path.includes('/reviews') && route.startsWith('POST /api/use-cases')) params.id = prng.pick([mainId, reviewUseCase]);
    return params;
  };

  const examples: Record<string, (prng: Prng) => unknown> = {
    LoginDto: (prng) => ({ email: prng.pick([admin.email, world.legal.email, `nobody-${prng.hex(6)}@gatehouse.test`]), password: 'not-the-password-1' }),
    ChangePasswordDto: () => ({ currentPassword: 'not-the-current-password', newPassword: 'another-long-password-1' }),
    CreateUserDto: (prng) => ({ email: `fuzz-${prng.hex(8)}@gatehouse.test`, displayName: 'Fuzz service', kind: 'service', roles: prng.chance(0.3) ? ['legal'] : [] }),
    UpdateUserDto: (prng) => ({ displayName: `Renamed ${prng.hex(4)}` }),
    CreateTeamDto: (prng) => ({ name: `fuzz team ${prng.hex(8)}` }),
    CreateApiKeyDto: (prng) => ({ name: `fuzz key ${prng.hex(4)}`, roles: [] }),
    PublishGatePolicyDto: () => ({ document: policy, note: 'published by the fuzz run' }),
    CreateUseCaseDto: (prng) => useCaseBody(prng.pick([world.devTeam, world.opsTeam]), world.opsTeam, { title: `Fuzz ${prng.hex(6)}` }),
    UpdateUseCaseDto: (prng) => (prng.chance(0.5) ? { title: `Renamed ${prng.hex(6)}` } : { intendedUse: 'Suggest a queue.', inputs: ['claim text'], workflow: { description: 'd', components: [{ name: 'n', description: 'd' }] } }),
    RiskDto: () => ({ description: 'drift', category: 'safety', severity: 2, likelihood: 2, mitigation: 'monitoring', owner: 'ops', residualSeverity: 1, residualLikelihood: 1, status: 'open' }),
    ChecklistAnswerDto: () => ({ answer: 'yes', note: 'checked' }),
    TierOverrideDto: () => ({ tier: 'high', justification: 'raised by the fuzz run' }),
    TierChangeDecisionDto: () => ({ decision: 'refuse', comment: 'not convinced' }),
    EvidenceLinkDto: (prng) => ({ kind: 'datasheet', title: 'Datasheet v2', url: `https://wiki.example.com/${prng.hex(6)}`, ...(prng.chance(0.3) ? { previousId: link.body.id } : {}) }),
    OpenReviewDto: () => ({ gate: 'design_to_develop', reason: 'ready' }),
    SignOffDto: (prng) => ({
      role: prng.pick(['legal', 'developer', 'assessor', 'deployer']),
      decision: 'approve',
      comment: 'fine',
      revision: review.revision,
      conditions: [{ description: 'monitor drift', ownerId: world.developer.id, dueDate: '2027-03-31' }],
    }),
    RollbackDto: () => ({ toStage: 'design', reason: 'incident' }),
    UpdateObligationDto: () => ({ status: 'closed', note: 'done' }),
    // A loopback URL, refused here (no GATEHOUSE_WEBHOOK_ALLOW_LOOPBACK): the fuzz run never registers an endpoint that would send anywhere.
    CreateWebhookDto: () => ({ url: 'https://127.0.0.1/hook', eventTypes: ['*'], description: 'fuzz' }),
    RedeliverWebhookDto: () => ({}),
  };

  return {
    principals,
    reachers: (route) => REACHERS[policies.get(route) ?? 'authenticated'] ?? SIGNED_IN,
    validParams,
    example: (name, prng) => (name && examples[name] ? examples[name](prng) : undefined),
    someId: (name, prng) => {
      if (/team/i.test(name)) return prng.pick([world.devTeam, world.opsTeam]);
      if (/actor|owner|user/i.test(name)) return prng.pick([admin.id, world.opener.id, world.developer.id]);
      if (/previous|evidence/i.test(name)) return prng.pick([file.body.id, link.body.id]);
      return prng.pick(useCaseIds);
    },
    useCaseIds: [mainId, reviewUseCase, obligationUseCase, tierUseCase],
    readerHeaders: as(admin),
  };
}
