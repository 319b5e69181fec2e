import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { api, unwrap, type Schema } from '../../api/client';
import { useMe } from '../../auth/session';
import type { UseCaseDetail } from './labels';

/** Query keys of this area: everything about one use case sits under ['use-case', id]. */
export const keys = {
  list: ['use-cases'] as const,
  useCase: (id: string) => ['use-case', id] as const,
  evidence: (id: string) => ['use-case', id, 'evidence'] as const,
  revisions: (id: string) => ['use-case', id, 'revisions'] as const,
  diff: (id: string, from: number, to: number) => ['use-case', id, 'diff', from, to] as const,
  reviews: (id: string) => ['use-case', id, 'reviews'] as const,
  obligations: (id: string) => ['use-case', id, 'obligations'] as const,
  assessment: (id: string) => ['use-case', id, 'impact-assessment'] as const,
  tierRequests: (id: string) => ['use-case', id, 'tier-change-requests'] as const,
  teams: ['teams'] as const,
  gatePolicy: ['gate-policies', 'current'] as const,
  template: (version: number | 'current') => ['assessment-templates', version] as const,
};

export function useUseCase(id: string) {
  return useQuery({
    queryKey: keys.useCase(id),
    queryFn: async () => unwrap(await api.GET('/api/use-cases/{id}', { params: { path: { id } } })),
  });
}

/** After a change to a use case: it, everything under it, and the lists showing it. */
export function useRefreshUseCase(id: string) {
  const client = useQueryClient();
  return useCallback(async () => {
    await Promise.all([client.invalidateQueries({ queryKey: keys.useCase(id) }), client.invalidateQueries({ queryKey: keys.list })]);
  }, [client, id]);
}

export function useTeams() {
  return useQuery({
    queryKey: keys.teams,
    queryFn: async () => unwrap(await api.GET('/api/teams')),
    staleTime: 60_000,
  });
}

export function useGatePolicy() {
  return useQuery({
    queryKey: keys.gatePolicy,
    queryFn: async () => unwrap(await api.GET('/api/gate-policies/current')),
    staleTime: 60_000,
  });
}

/**
 * Team names by id, and people's names by id: from the teams' member lists (open to everyone),
 * and from the user directory for those who may read it (admins and compliance officers).
 */
export function useDirectory() {
  const teams = useTeams();
  const me = useMe();
  const readsUsers = me.effectiveRoles.includes('admin') || me.effectiveRoles.includes('compliance_officer');
  const users = useQuery({
    queryKey: ['directory', 'users'],
    queryFn: async () => unwrap(await api.GET('/api/users')),
    enabled: readsUsers,
    staleTime: 60_000,
  });
  return useMemo(() => {
    const teamNames = new Map<string, string>();
    const people = new Map<string, string>([[me.id, `${me.displayName} (you)`]]);
    for (const user of users.data ?? []) if (!people.has(user.id)) people.set(user.id, user.displayName);
    for (const team of teams.data ?? []) {
      teamNames.set(team.id, team.name);
      for (const member of team.members) if (!people.has(member.userId)) people.set(member.userId, member.displayName);
    }
    return {
      teams: teams.data ?? [],
      teamName: (id: string) => teamNames.get(id) ?? `Team ${id.slice(0, 8)}`,
      personName: (id: string | null | undefined) => (id ? (people.get(id) ?? `Person ${id.slice(0, 8)}`) : '—'),
    };
  }, [teams.data, users.data, me.id, me.displayName]);
}

/**
 * May the signed-in person change this use case? Only a developer or deployer of
 * one of its two teams, and only while it is not retired. The server decides
 * anyway; this only hides what would be refused.
 */
export function useCanChange(useCase: Pick<UseCaseDetail, 'stage' | 'content'> | undefined): boolean {
  const me = useMe();
  if (!useCase || useCase.stage === 'retired') return false;
  const { developerTeamId, deployerTeamId } = useCase.content;
  return me.teams.some((membership) => membership.teamId === developerTeamId || membership.teamId === deployerTeamId);
}

/** Legal or an assessor who is on neither of the use case's teams: may accept risks and decide assessments (if the policy names their role). */
export function useOutsideDeciderRoles(useCase: Pick<UseCaseDetail, 'content'> | undefined): ('legal' | 'assessor')[] {
  const me = useMe();
  if (!useCase || me.via !== 'user') return [];
  const { developerTeamId, deployerTeamId } = useCase.content;
  if (me.teams.some((membership) => membership.teamId === developerTeamId || membership.teamId === deployerTeamId)) return [];
  return me.effectiveRoles.filter((role): role is 'legal' | 'assessor' => role === 'legal' || role === 'assessor');
}

export type GatePolicy = Schema<'GatePolicyResponse'>;
export type GateRequirements = Schema<'GateRequirementsResponse'> & { impactAssessment?: { acceptedTemplateVersions?: number[] } };
