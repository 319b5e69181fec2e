import { randomBytes } from 'node:crypto';
import { GatePolicyDocument } from '../../apps/api/src/modules/gate-policies/gate-policy';
import { GatedTier, Gate } from '../../apps/api/src/modules/gate-reviews/lifecycle';
import { TeamsService } from '../../apps/api/src/modules/identity/teams/teams.service';
import { UsersService } from '../../apps/api/src/modules/identity/users/users.service';
import { asSetup, bearer, givenTeam, givenUser, TestUser, tokenFor } from './identity-helpers';
import { TestApp } from './test-app';
import { givenApprovedAssessment } from './impact-assessment';
import { givenUseCase } from './use-case-helpers';

/**
 * The people of a gate review: a developer team and a deployer team, legal,
 * independent assessors. `opener` is a developer who opens reviews.
 */
export interface ReviewWorld {
  devTeam: string;
  opsTeam: string;
  opener: TestUser;
  developer: TestUser;
  deployer: TestUser;
  legal: TestUser;
  legal2: TestUser;
  assessors: TestUser[];
}

export async function givenReviewWorld(t: TestApp): Promise<ReviewWorld> {
  const devTeam = (await givenTeam(t)).id;
  const opsTeam = (await givenTeam(t)).id;
  return {
    devTeam,
    opsTeam,
    opener: await givenUser(t, { teams: [{ teamId: devTeam, role: 'developer' }], name: 'opener' }),
    developer: await givenUser(t, { teams: [{ teamId: devTeam, role: 'developer' }], name: 'developer' }),
    deployer: await givenUser(t, { teams: [{ teamId: opsTeam, role: 'deployer' }], name: 'deployer' }),
    legal: await givenUser(t, { roles: ['legal'], name: 'legal' }),
    legal2: await givenUser(t, { roles: ['legal'], name: 'legal2' }),
    assessors: [await givenUser(t, { roles: ['assessor'], name: 'assessor1' }), await givenUser(t, { roles: ['assessor'], name: 'assessor2' })],
  };
}

const RISK_FOR_TIER: Record<GatedTier, { severity: number; likelihood: number } | undefined> = {
  minimal: undefined,
  limited: { severity: 2, likelihood: 3 },
  high: { severity: 5, likelihood: 2 },
};

/** A use case of the world's teams at `tier`, registered by the opener. */
export async function givenUseCaseAt(t: TestApp, world: ReviewWorld, tier: GatedTier) {
  const useCase = await givenUseCase(t, world.opener.token, world.devTeam, { deployerTeamId: world.opsTeam });
  const risk = RISK_FOR_TIER[tier];
  if (risk) {
    await t.http().post(`/api/use-cases/${useCase.id}/risks`).set(bearer(world.opener.token))
      .send({ description: 'harm', category: 'safety', ...risk }).expect(201);
  }
  return useCase.id;
}

/** Attaches every evidence kind and answers every checklist item the current policy asks for this gate and tier. */
export async function satisfyRequirements(t: TestApp, world: ReviewWorld, useCaseId: string, gate: Gate, tier: GatedTier) {
  const policy = (await t.http().get('/api/gate-policies/current').set(bearer(world.opener.token))).body.document as GatePolicyDocument;
  const requirements = policy.gates[gate][tier];
  const current = (await t.http().get(`/api/use-cases/${useCaseId}`).set(bearer(world.opener.token))).body.content;
  for (const { kind } of requirements.evidence) {
    if (current.evidence.some((e: { kind: string }) => e.kind === kind)) continue;
    await t.http().post(`/api/use-cases/${useCaseId}/evidence/links`).set(bearer(world.opener.token))
      .send({ kind, title: kind, url: `https://evidence.example.com/${kind}/${randomBytes(3).toString('hex')}` }).expect(201);
  }
  for (const item of requirements.checklist) {
    if (current.checklist[item]) continue;
    await t.http().put(`/api/use-cases/${useCaseId}/checklist/${item}`).set(bearer(world.opener.token)).send({ answer: 'yes' }).expect(200);
  }
  if (requirements.impactAssessment) {
    const { impactAssessment } = (await t.http().get(`/api/use-cases/${useCaseId}`).set(bearer(world.opener.token))).body;
    // legal2 approves: it leaves legal, and the assessors, free for the review's slots (approving an assessment is not authorship).
    if (impactAssessment.state !== 'approved') await givenApprovedAssessment(t, useCaseId, world.opener, world.legal2);
  }
}

export async function openReview(t: TestApp, world: ReviewWorld, useCaseId: string, gate: Gate, tier: GatedTier) {
  await satisfyRequirements(t, world, useCaseId, gate, tier);
  const res = await t.http().post(`/api/use-cases/${useCaseId}/reviews`).set(bearer(world.opener.token)).send({ gate, reason: gate === 'retire' ? 'replaced by v2' : undefined });
  if (res.status !== 201) throw new Error(`could not open the review: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; revision: number; slots: { role: string; quorum: number }[] };
}

export function signOff(t: TestApp, user: TestUser, reviewId: string, role: string, revision: number, decision = 'approve', extra: Record<string, unknown> = {}) {
  return t.http().post(`/api/reviews/${reviewId}/sign-offs`).set(bearer(user.token)).send({ role, decision, comment: `${decision} as ${role}`, revision, ...extra });
}

export interface InboxItem {
  reviewId: string;
  useCaseId: string;
  gate: string;
  revision: number;
  openedAt: string;
  roles: string[];
  title: string;
  tier: string;
  missing: { role: string; quorum: number }[];
}

/** The whole inbox of a person, page after page (`limit` a page), in the order the pages give it. */
export async function wholeInbox(t: TestApp, token: string, limit = 200): Promise<InboxItem[]> {
  const items: InboxItem[] = [];
  let cursor: string | null = null;
  do {
    const query: Record<string, string | number> = cursor ? { limit, cursor } : { limit };
    const page: { items: InboxItem[]; nextCursor: string | null } = (await t.http().get('/api/me/inbox').query(query).set(bearer(token)).expect(200)).body;
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** Many developers of one team, as service accounts (no password hashing), with tokens. */
export async function givenDevelopers(t: TestApp, teamId: string, count: number): Promise<TestUser[]> {
  return asSetup(t, async () => {
    const users: TestUser[] = [];
    for (let i = 0; i < count; i++) {
      const user = await t.app.get(UsersService).create({ email: `dev-${randomBytes(5).toString('hex')}@gatehouse.test`, displayName: `Developer ${i}`, kind: 'service' });
      await t.app.get(TeamsService).addMember(teamId, user.id, 'developer');
      users.push({ id: user.id, email: user.email, password: '', token: tokenFor(t, user.id) });
    }
    return users;
  });
}
