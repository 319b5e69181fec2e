import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, unwrap } from '../../api/client';
import { useMe } from '../../auth/session';
import type { Review } from './labels';

/**
 * Query keys. Everything about one use case sits under ['use-case', id] (as on the
 * use-case screens), so invalidating that prefix after a sign-off refreshes it all.
 */
export const keys = {
  inbox: ['inbox'] as const,
  review: (reviewId: string) => ['review', reviewId] as const,
  useCase: (id: string) => ['use-case', id] as const,
  reviewsOf: (id: string) => ['use-case', id, 'reviews'] as const,
  evidence: (id: string) => ['use-case', id, 'evidence'] as const,
  revision: (id: string, revision: number) => ['use-case', id, 'revision', revision] as const,
  diff: (id: string, from: number, to: number) => ['use-case', id, 'diff', from, to] as const,
  gatePolicy: (version: number) => ['gate-policies', version] as const,
  teams: ['teams'] as const,
};

export function useReview(reviewId: string) {
  return useQuery({
    queryKey: keys.review(reviewId),
    queryFn: async () => unwrap(await api.GET('/api/reviews/{reviewId}', { params: { path: { reviewId } } })),
  });
}

export function useUseCaseDetail(id: string | undefined) {
  return useQuery({
    queryKey: keys.useCase(id ?? ''),
    queryFn: async () => unwrap(await api.GET('/api/use-cases/{id}', { params: { path: { id: id! } } })),
    enabled: !!id,
  });
}

export function useRevision(id: string | undefined, revision: number | undefined) {
  return useQuery({
    queryKey: keys.revision(id ?? '', revision ?? 0),
    queryFn: async () => unwrap(await api.GET('/api/use-cases/{id}/revisions/{revision}', { params: { path: { id: id!, revision: revision! } } })),
    enabled: !!id && !!revision,
    // A revision never changes once written.
    staleTime: Infinity,
  });
}

export function useReviewsOf(id: string | undefined) {
  return useQuery({
    queryKey: keys.reviewsOf(id ?? ''),
    queryFn: async () => unwrap(await api.GET('/api/use-cases/{id}/reviews', { params: { path: { id: id! } } })),
    enabled: !!id,
  });
}

export function useDiff(id: string, from: number, to: number) {
  return useQuery({
    queryKey: keys.diff(id, from, to),
    queryFn: async () => unwrap(await api.GET('/api/use-cases/{id}/revisions/{from}/diff/{to}', { params: { path: { id, from, to } } })),
    staleTime: Infinity,
  });
}

export function useEvidence(id: string | undefined) {
  return useQuery({
    queryKey: keys.evidence(id ?? ''),
    queryFn: async () => unwrap(await api.GET('/api/use-cases/{id}/evidence', { params: { path: { id: id! } } })),
    enabled: !!id,
  });
}

export function useGatePolicy(version: number | undefined) {
  return useQuery({
    queryKey: keys.gatePolicy(version ?? 0),
    queryFn: async () => unwrap(await api.GET('/api/gate-policies/{version}', { params: { path: { version: version! } } })),
    enabled: !!version,
    // Published versions never change.
    staleTime: Infinity,
  });
}

export function useTeams() {
  return useQuery({
    queryKey: keys.teams,
    queryFn: async () => unwrap(await api.GET('/api/teams')),
    staleTime: 60_000,
  });
}

/**
 * The revision the use case was last approved at before this review: the revision of
 * the latest other review that passed, closed before this one opened. Undefined when
 * there is none.
 */
export function lastApprovedRevision(review: Pick<Review, 'id' | 'openedAt'>, reviews: Review[]): number | undefined {
  const passed = reviews
    .filter((other) => other.id !== review.id && other.status === 'passed' && other.closedAt && other.closedAt <= review.openedAt)
    .sort((a, b) => (a.closedAt! < b.closedAt! ? -1 : 1));
  return passed.at(-1)?.revision;
}

/**
 * People's names by id: the people the review names (the API gives them), the
 * members of every team (open to anyone signed in), and me. An id nobody names
 * shows as a short id rather than nothing.
 */
export function usePeople(review: Pick<Review, 'people'> | undefined) {
  const me = useMe();
  const teams = useTeams();
  return useMemo(() => {
    const names = new Map<string, string>();
    for (const person of review?.people ?? []) names.set(person.id, person.displayName);
    const teamNames = new Map<string, string>();
    for (const team of teams.data ?? []) {
      teamNames.set(team.id, team.name);
      for (const member of team.members) if (!names.has(member.userId)) names.set(member.userId, member.displayName);
    }
    names.set(me.id, `${me.displayName} (you)`);
    return {
      teams: teams.data ?? [],
      personName: (id: string | null | undefined) => (id ? (names.get(id) ?? `Person ${id.slice(0, 8)}`) : '—'),
      teamName: (id: string) => teamNames.get(id) ?? `Team ${id.slice(0, 8)}`,
    };
  }, [review?.people, teams.data, me.id, me.displayName]);
}

export type People = ReturnType<typeof usePeople>;
