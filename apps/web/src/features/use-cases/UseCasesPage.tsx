import { Anchor, Button, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery, type UseQueryResult } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useAbilities } from '../../auth/session';
import { formatDateTime } from '../../components/format';
import { QueryState } from '../../components/PageState';
import { ProblemAlert } from '../../components/ProblemAlert';
import { StatusBadge, TierBadge } from './badges';
import { STAGE_LABELS, STAGES, TIER_LABELS, TIERS, type Stage, type Tier, type UseCase } from './labels';
import { keys, useDirectory } from './queries';

const PAGE_SIZE = 25;

/** Every use case the signed-in person may see, in the order they were registered, filtered by stage, tier, team and words; the filters live in the address. */
export default function UseCasesPage() {
  const can = useAbilities();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const stage = (STAGES as readonly string[]).includes(params.get('stage') ?? '') ? (params.get('stage') as Stage) : undefined;
  const tier = (TIERS as readonly string[]).includes(params.get('tier') ?? '') ? (params.get('tier') as Tier) : undefined;
  const q = params.get('q') ?? '';
  const team = params.get('team') ?? '';
  const directory = useDirectory();
  const [words, setWords] = useState(q);
  const [debouncedWords] = useDebouncedValue(words.trim(), 300);

  const setFilter = (name: string, value: string | undefined) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: true },
    );

  useEffect(() => {
    if (debouncedWords !== q) setFilter('q', debouncedWords || undefined);
    // Only the debounced words drive the address; the address itself does not feed back here.
  }, [debouncedWords]);

  const query = useInfiniteQuery({
    queryKey: [...keys.list, { stage, tier, q, team }],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET('/api/use-cases', { params: { query: { stage, tier, team: team || undefined, q: q || undefined, limit: PAGE_SIZE, cursor: pageParam } } })),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const filtered = Boolean(stage || tier || q || team);

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={1}>Use cases</Title>
        {can.onTeams && <Button onClick={() => navigate('/use-cases/new')}>Register a use case</Button>}
      </Group>

      <Group align="flex-end" role="search" aria-label="Filter use cases">
        <NativeSelect
          label="Stage"
          value={stage ?? ''}
          onChange={(event) => setFilter('stage', event.currentTarget.value || undefined)}
          data={[{ value: '', label: 'Any stage' }, ...STAGES.map((value) => ({ value, label: STAGE_LABELS[value] }))]}
        />
        <NativeSelect
          label="Tier"
          value={tier ?? ''}
          onChange={(event) => setFilter('tier', event.currentTarget.value || undefined)}
          data={[{ value: '', label: 'Any tier' }, ...TIERS.map((value) => ({ value, label: TIER_LABELS[value] }))]}
        />
        <NativeSelect
          label="Team"
          value={team}
          onChange={(event) => setFilter('team', event.currentTarget.value || undefined)}
          data={[{ value: '', label: 'Any team' }, ...directory.teams.map((candidate) => ({ value: candidate.id, label: candidate.name }))]}
        />
        <TextInput
          label="Search"
          placeholder="Title, business problem, intended use"
          value={words}
          onChange={(event) => setWords(event.currentTarget.value)}
          miw={280}
        />
        {filtered && (
          <Button
            variant="subtle"
            onClick={() => {
              setWords('');
              setParams({}, { replace: true });
            }}
          >
            Clear filters
          </Button>
        )}
      </Group>

      <QueryState
        query={query as unknown as UseQueryResult<NonNullable<typeof query.data>>}
        label="Loading use cases"
        isEmpty={(data) => data.pages.every((page) => page.items.length === 0)}
        empty={
          filtered
            ? 'No use case matches these filters.'
            : can.onTeams
              ? 'No use cases yet. Register the first one for your team.'
              : 'No use cases yet. Teams register them; you will see them here.'
        }
      >
        {(data) => (
          <Stack>
            <UseCaseTable useCases={data.pages.flatMap((page) => page.items)} />
            {query.isFetchNextPageError && <ProblemAlert error={query.error} title="Could not load more" />}
            {query.hasNextPage && (
              <Group>
                <Button variant="default" loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
                  Show more
                </Button>
              </Group>
            )}
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}

function UseCaseTable({ useCases }: { useCases: UseCase[] }) {
  const directory = useDirectory();
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped highlightOnHover>
        <Table.Caption>
          {useCases.length} use case{useCases.length === 1 ? '' : 's'} shown
        </Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Title</Table.Th>
            <Table.Th scope="col">Team</Table.Th>
            <Table.Th scope="col">Stage</Table.Th>
            <Table.Th scope="col">Tier</Table.Th>
            <Table.Th scope="col">Updated</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {useCases.map((useCase) => {
            const { developerTeamId, deployerTeamId } = useCase.content;
            return (
              <Table.Tr key={useCase.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/use-cases/${useCase.id}`}>
                    {useCase.content.title}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  {developerTeamId === deployerTeamId ? (
                    directory.teamName(developerTeamId)
                  ) : (
                    <Text size="sm">
                      {directory.teamName(developerTeamId)} (develops), {directory.teamName(deployerTeamId)} (deploys)
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap="xs">
                    {STAGE_LABELS[useCase.stage]}
                    {useCase.status === 'in_review' && <StatusBadge status="in_review" />}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <TierBadge tier={useCase.tier} />
                </Table.Td>
                <Table.Td>
                  <time dateTime={useCase.updatedAt} title={useCase.updatedAt}>
                    {formatDateTime(useCase.updatedAt)}
                  </time>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
