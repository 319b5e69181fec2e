import { Button, Group, NativeSelect, Paper, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap, type Schema } from '../../../api/client';
import { fieldErrors } from '../../../api/problems';
import { useMe } from '../../../auth/session';
import { formatDateTime } from '../../../components/format';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { WordBadge } from '../badges';
import { TIER_LABELS, TIERS, type Tier, type UseCaseDetail } from '../labels';
import { Notice } from '../Notice';
import { keys, useDirectory, useRefreshUseCase } from '../queries';

type TierChange = Schema<'TierChangeRequestResponse'>;

const STATUS_WORDS: Record<TierChange['status'], string> = { pending: 'Waiting for a second person', confirmed: 'Confirmed', refused: 'Refused', superseded: 'Superseded' };

/**
 * A tier override, for legal or an assessor outside the use case's teams: raising takes effect at
 * once; lowering (or removing an override that lowers it) is a proposal a second independent person
 * confirms. Proposals and what became of them are listed for everyone who reads the use case.
 */
export function TierOverride({ useCase, mayDecide }: { useCase: UseCaseDetail; mayDecide: boolean }) {
  const requests = useQuery({
    queryKey: keys.tierRequests(useCase.id),
    queryFn: async () => unwrap(await api.GET('/api/use-cases/{id}/tier-change-requests', { params: { path: { id: useCase.id } } })),
  });
  const pending = requests.data?.filter((request) => request.status === 'pending') ?? [];
  const history = requests.data ?? [];
  if (!mayDecide && history.length === 0) return null;
  return (
    <Stack gap="sm">
      <Title order={3}>Tier override</Title>
      {history.length > 0 && <Requests requests={history} useCase={useCase} mayDecide={mayDecide} />}
      {mayDecide && pending.length === 0 && <OverrideForm useCase={useCase} />}
    </Stack>
  );
}

function useAfterTierDecision(useCaseId: string) {
  const client = useQueryClient();
  const refresh = useRefreshUseCase(useCaseId);
  return async () => {
    await Promise.all([refresh(), client.invalidateQueries({ queryKey: keys.tierRequests(useCaseId) })]);
  };
}

function OverrideForm({ useCase }: { useCase: UseCaseDetail }) {
  const [tier, setTier] = useState<Tier>(useCase.tier === 'prohibited' ? 'high' : 'prohibited');
  const [justification, setJustification] = useState('');
  const [attempted, setAttempted] = useState(false);
  const [outcome, setOutcome] = useState<string>();
  const after = useAfterTierDecision(useCase.id);
  const override = useMutation({
    mutationFn: async () => {
      const result = await api.PUT('/api/use-cases/{id}/tier-override', { params: { path: { id: useCase.id } }, body: { tier, justification: justification.trim() } });
      unwrap(result);
      return result.response.status;
    },
    onSuccess: async (status) => {
      setOutcome(status === 202 ? 'Lowering the tier is a proposal: a second independent person (legal or an assessor) confirms or refuses it.' : 'The tier is overridden.');
      setJustification('');
      setAttempted(false);
      await after();
    },
  });
  const remove = useMutation({
    mutationFn: async () => {
      const result = await api.DELETE('/api/use-cases/{id}/tier-override', { params: { path: { id: useCase.id } } });
      unwrap(result);
      return result.response.status;
    },
    onSuccess: async (status) => {
      setOutcome(status === 202 ? 'Removing the override lowers the tier, so it is a proposal a second independent person confirms.' : 'The override is removed.');
      await after();
    },
  });
  const local: Record<string, string> =
    attempted && justification.trim().length < 10 ? { justification: 'A justification of at least 10 characters: it stays in the record and the trail' } : {};
  const errors = { ...local, ...fieldErrors(override.error) };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    setOutcome(undefined);
    if (justification.trim().length >= 10) override.mutate();
  };
  return (
    <Paper withBorder p="md" maw={820} component="section" aria-label="Override the tier">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text size="sm">
            The tier decides which approvals a gate needs. You may override it with a justification if you are on neither of the use case's teams and never wrote a revision
            of it. Raising takes effect at once; lowering needs a second independent person.
          </Text>
          <NativeSelect
            label="Override tier to"
            maw={320}
            value={tier}
            onChange={(event) => setTier(event.currentTarget.value as Tier)}
            data={TIERS.map((value) => ({ value, label: TIER_LABELS[value] }))}
            error={errors.tier}
          />
          <Textarea label="Justification" required autosize minRows={2} value={justification} onChange={(event) => setJustification(event.currentTarget.value)} error={errors.justification} />
          <ProblemAlert error={override.error ?? remove.error} title="The tier was not changed" />
          {outcome && (
            <Text size="sm" role="status">
              {outcome}
            </Text>
          )}
          <Group>
            <Button type="submit" variant="default" loading={override.isPending}>
              Override tier
            </Button>
            {useCase.content.tierOverride && (
              <Button
                variant="subtle"
                loading={remove.isPending}
                onClick={() => {
                  setOutcome(undefined);
                  remove.mutate();
                }}
              >
                Remove the override
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function Requests({ requests, useCase, mayDecide }: { requests: TierChange[]; useCase: UseCaseDetail; mayDecide: boolean }) {
  const directory = useDirectory();
  const me = useMe();
  return (
    <Stack gap="sm">
      <Table.ScrollContainer minWidth={760}>
        <Table striped>
          <Table.Caption>Proposed tier changes</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Change</Table.Th>
              <Table.Th scope="col">Justification</Table.Th>
              <Table.Th scope="col">Proposed</Table.Th>
              <Table.Th scope="col">Status</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {[...requests]
              .sort((a, b) => b.proposedAt.localeCompare(a.proposedAt))
              .map((request) => (
                <Table.Tr key={request.id}>
                  <Table.Td>
                    {TIER_LABELS[request.fromTier]} → {TIER_LABELS[request.toTier]}
                    {request.tier === null && (
                      <Text size="xs" c="dimmed">
                        removes the override
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{request.justification}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatDateTime(request.proposedAt)}</Text>
                    <Text size="xs" c="dimmed">
                      by {directory.personName(request.proposedBy)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <WordBadge tone={request.status === 'confirmed' ? 'good' : request.status === 'pending' ? 'warn' : 'neutral'}>{STATUS_WORDS[request.status]}</WordBadge>
                    {request.decidedBy && (
                      <Text size="xs" c="dimmed">
                        by {directory.personName(request.decidedBy)}
                        {request.comment ? `: “${request.comment}”` : ''}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {mayDecide &&
        requests
          .filter((request) => request.status === 'pending' && request.proposedBy !== me.id)
          .map((request) => <DecideRequest key={request.id} useCaseId={useCase.id} request={request} />)}
    </Stack>
  );
}

function DecideRequest({ useCaseId, request }: { useCaseId: string; request: TierChange }) {
  const [comment, setComment] = useState('');
  const after = useAfterTierDecision(useCaseId);
  const decide = useMutation({
    mutationFn: async (decision: 'confirm' | 'refuse') =>
      unwrap(
        await api.POST('/api/use-cases/{id}/tier-change-requests/{requestId}/decision', {
          params: { path: { id: useCaseId, requestId: request.id } },
          body: { decision, ...(comment.trim() ? { comment: comment.trim() } : {}) },
        }),
      ),
    onSuccess: after,
  });
  return (
    <Notice title={`Lower the tier from ${TIER_LABELS[request.fromTier].toLowerCase()} to ${TIER_LABELS[request.toTier].toLowerCase()}?`} accent="#7a5200">
      <Text size="sm">As the second independent person, confirm the proposal (it takes effect) or refuse it.</Text>
      <TextInput label="Comment on the proposal" value={comment} onChange={(event) => setComment(event.currentTarget.value)} maxLength={2000} error={fieldErrors(decide.error).comment} />
      <ProblemAlert error={decide.error} title="The proposal was not decided" />
      <Group>
        <Button loading={decide.isPending && decide.variables === 'confirm'} disabled={decide.isPending} onClick={() => decide.mutate('confirm')}>
          Confirm the lower tier
        </Button>
        <Button variant="default" loading={decide.isPending && decide.variables === 'refuse'} disabled={decide.isPending} onClick={() => decide.mutate('refuse')}>
          Refuse
        </Button>
      </Group>
    </Notice>
  );
}
