import { Anchor, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useMe } from '../../auth/session';
import { QueryState } from '../../components/PageState';
import { keys, useTeams } from './queries';
import { UseCaseForm } from './UseCaseForm';
import { createBody, emptyValues, type UseCaseFormValues } from './useCaseForm';
import { Notice } from './Notice';

/** Registering a use case: revision 1, stage design, for one of the person's teams. */
export default function NewUseCasePage() {
  const me = useMe();
  const teams = useTeams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const register = useMutation({
    mutationFn: async (values: UseCaseFormValues) => unwrap(await api.POST('/api/use-cases', { body: createBody(values) })),
    onSuccess: async (created) => {
      await client.invalidateQueries({ queryKey: keys.list });
      navigate(`/use-cases/${created.id}`);
    },
  });

  const myTeamIds = new Set(me.teams.map((membership) => membership.teamId));

  return (
    <Stack>
      <Anchor component={Link} to="/use-cases" size="sm">
        ← All use cases
      </Anchor>
      <Title order={1}>Register a use case</Title>
      <Text c="dimmed" maw={820}>
        Describe the use case as the guide's design phase asks: the business problem, the workflow that solves it, its inputs and outputs, who is involved or
        affected, what it is for and how it could be misused. Risks, evidence and checklist answers come next, on the use case's own page.
      </Text>
      {myTeamIds.size === 0 ? (
        <Notice title="You are not on a team" accent="#495057">
          <Text size="sm">Use cases are registered by their developer or deployer team. Ask an administrator to add you to a team.</Text>
        </Notice>
      ) : (
        <QueryState query={teams} label="Loading teams">
          {(allTeams) => {
            const mine = allTeams.filter((team) => myTeamIds.has(team.id));
            const others = allTeams.filter((team) => !myTeamIds.has(team.id));
            const options = [
              { group: 'Your teams', items: mine.map((team) => ({ value: team.id, label: team.name })) },
              ...(others.length ? [{ group: 'Other teams', items: others.map((team) => ({ value: team.id, label: team.name })) }] : []),
            ];
            return (
              <UseCaseForm
                mode="create"
                initial={emptyValues(mine[0]?.id ?? '')}
                teamOptions={options}
                submitLabel="Register"
                submitting={register.isPending}
                error={register.error}
                onSubmit={(values) => register.mutate(values)}
                onCancel={() => navigate('/use-cases')}
              />
            );
          }}
        </QueryState>
      )}
    </Stack>
  );
}
