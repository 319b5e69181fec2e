import { randomBytes } from 'node:crypto';
import { ClsService } from 'nestjs-cls';
import { RequestContext } from '@app/request-context';
import { OrgRole, Principal, TeamRole, toAuditActor } from '@app/auth';
import { ApiKeysService } from '../../apps/api/src/modules/identity/api-keys/api-keys.service';
import { AuthService } from '../../apps/api/src/modules/identity/auth/auth.service';
import { PrincipalLoader } from '../../apps/api/src/modules/identity/auth/principal.loader';
import { TeamsService } from '../../apps/api/src/modules/identity/teams/teams.service';
import { UsersService } from '../../apps/api/src/modules/identity/users/users.service';
import { TEST_ADMIN, TestApp } from './test-app';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  token: string;
}

const BOOTSTRAP = { id: 'test:setup', kind: 'system' as const, displayName: 'Test setup', roles: [] };

/** Runs setup code as the system would outside any request: with a request context whose actor is the test setup. */
export function asSetup<T>(t: TestApp, work: () => Promise<T>): Promise<T> {
  return t.app.get(ClsService).run(() => {
    t.app.get(RequestContext).setActor(BOOTSTRAP);
    return work();
  });
}

/** Runs `work` as `principal` would inside a request: the access guard puts the principal's actor in the request context. */
export function asPrincipal<T>(t: TestApp, principal: Principal, work: () => Promise<T>): Promise<T> {
  return t.app.get(ClsService).run(() => {
    t.app.get(RequestContext).setActor(toAuditActor(principal));
    return work();
  });
}

/** Creates a person through the real services, with organisation roles and team memberships, and signs a token for them. */
export async function givenUser(
  t: TestApp,
  options: { roles?: OrgRole[]; teams?: { teamId: string; role: TeamRole }[]; name?: string } = {},
): Promise<TestUser> {
  const suffix = randomBytes(4).toString('hex');
  const email = `${options.name ?? 'user'}-${suffix}@gatehouse.test`;
  const password = `password-${suffix}-long`;
  const user = await t.app.get(UsersService).create(
    { email, displayName: `${options.name ?? 'User'} ${suffix}`, kind: 'person', password, roles: options.roles ?? [] },
    BOOTSTRAP,
  );
  for (const membership of options.teams ?? []) {
    await asSetup(t, () => t.app.get(TeamsService).addMember(membership.teamId, user.id, membership.role));
  }
  return { id: user.id, email, password, token: tokenFor(t, user.id) };
}

export async function givenTeam(t: TestApp, name = `team-${randomBytes(4).toString('hex')}`) {
  return asSetup(t, () => t.app.get(TeamsService).create(name));
}

/** An access token signed exactly as POST /api/auth/login signs one. */
export function tokenFor(t: TestApp, userId: string): string {
  return t.app.get(AuthService).issueAccessToken(userId).accessToken;
}

export async function adminUser(t: TestApp): Promise<TestUser> {
  const [admin] = await t.dataSource.query('SELECT id FROM users WHERE email = $1', [TEST_ADMIN.email]);
  return { id: admin.id, email: TEST_ADMIN.email, password: TEST_ADMIN.password, token: tokenFor(t, admin.id) };
}

/** An API key for a user, created through the real service as that user. */
export async function givenApiKey(t: TestApp, user: TestUser, roles: OrgRole[] = []) {
  const principal = (await t.app.get(PrincipalLoader).forUser(user.id))!;
  return asPrincipal(t, principal, () => t.app.get(ApiKeysService).create(principal, user.id, { name: `key-${randomBytes(3).toString('hex')}`, roles }));
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
