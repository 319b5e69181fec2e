import { Box, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../../api/client';
import { useDirectory, useRefreshUseCase } from '../queries';
import { UseCaseForm } from '../UseCaseForm';
import { changedFields, valuesOf, type UseCaseFormValues } from '../useCaseForm';
import type { TabProps } from './types';
import { Notice } from '../Notice';

/** Editing the description: PATCH with only the fields that changed; each change is a new revision. */
export function EditTab({ useCase, canChange }: TabProps) {
  const directory = useDirectory();
  const navigate = useNavigate();
  const refresh = useRefreshUseCase(useCase.id);
  const [unchanged, setUnchanged] = useState(false);
  const save = useMutation({
    mutationFn: async (values: UseCaseFormValues) => {
      const body = changedFields(values, useCase.content);
      if (Object.keys(body).length === 0) return undefined;
      return unwrap(await api.PATCH('/api/use-cases/{id}', { params: { path: { id: useCase.id } }, body }));
    },
    onSuccess: async (saved) => {
      if (!saved) {
        setUnchanged(true);
        return;
      }
      await refresh();
      navigate(`/use-cases/${useCase.id}`);
    },
  });

  if (!canChange) {
    return (
      <Stack>
        <Title order={2}>Edit</Title>
        <Text>Only members of the use case's developer and deployer teams change it{useCase.stage === 'retired' ? ', and a retired use case no longer changes' : ''}.</Text>
      </Stack>
    );
  }

  return (
    <Stack>
      <Title order={2}>Edit the description</Title>
      <Text size="sm" c="dimmed" maw={820}>
        Saving writes revision {useCase.revision + 1} with only the fields you changed. Stage and tier do not change here: stages move through gates, and the tier follows from
        the risks.
      </Text>
      {unchanged && (
        <Notice title="Nothing changed" accent="#495057" role="status" onClose={() => setUnchanged(false)}>
          <Text size="sm">The description is the same as revision {useCase.revision}; no new revision was written.</Text>
        </Notice>
      )}
      <UseCaseForm
        // A new revision read from the server starts the form again from what it holds.
        key={useCase.revision}
        mode="edit"
        initial={valuesOf(useCase.content)}
        teamsSummary={
          <Box>
            <Text size="sm" fw={600}>
              Teams
            </Text>
            <Text size="sm">
              Developer team: {directory.teamName(useCase.content.developerTeamId)}; deployer team: {directory.teamName(useCase.content.deployerTeamId)}. Teams are set at
              registration.
            </Text>
          </Box>
        }
        submitLabel="Save changes"
        submitting={save.isPending}
        error={save.error}
        onSubmit={(values) => {
          setUnchanged(false);
          save.mutate(values);
        }}
        onCancel={() => navigate(`/use-cases/${useCase.id}`)}
      />
    </Stack>
  );
}
