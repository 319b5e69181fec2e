import { Anchor, Button, Group, List, NativeSelect, Paper, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, ApiError, unwrap, type Schema } from '../../../api/client';
import { fieldErrors, problemCode } from '../../../api/problems';
import { useMe } from '../../../auth/session';
import { formatDateTime } from '../../../components/format';
import { QueryState } from '../../../components/PageState';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { ReviewStatusBadge } from '../badges';
import { CAUTION_COLOR, forwardGate, GATE_LABELS, ROLE_LABELS, STAGE_LABELS, STAGES, TIER_LABELS, type Gate, type Stage, type UseCaseDetail } from '../labels';
import { keys, useDirectory, useGatePolicy, useRefreshUseCase } from '../queries';
import { GateRequirementsSummary, requirementsFor } from './GateRequirements';
import { GateTodoList, todosOf } from './GateTodo';
import type { TabProps } from './types';
import { Notice } from '../Notice';

type Review = Schema<'GateReviewResponse'>;

/** Gate reviews of this use case; opening the next one (with what it still needs, when refused); rollback and retirement. */
export function ReviewsTab({ useCase, canChange }: TabProps) {
  const reviews = useQuery({
    queryKey: keys.reviews(useCase.id),
    queryFn: async () => unwrap(await api.GET('/api/use-cases/{id}/reviews', { params: { path: { id: useCase.id } } })),
  });
  const me = useMe();
  const openReview = reviews.data?.find((review) => review.status === 'open');
  const gate = forwardGate(useCase.stage);
  const rollbackShown =
    me.via === 'user' && useCase.stage !== 'design' && useCase.stage !== 'retired' && (canChange || me.effectiveRoles.some((role) => role === 'legal' || role === 'assessor'));

  return (
    <Stack gap="lg">
      <Title order={2}>Reviews</Title>
      <QueryState
        query={reviews}
        label="Loading reviews"
        isEmpty={(items) => items.length === 0}
        empty={gate ? `No gate review yet. The next gate is ${GATE_LABELS[gate].toLowerCase()}.` : 'No gate review was ever opened.'}
      >
        {(items) => <ReviewTable reviews={items} />}
      </QueryState>

      {gate && canChange && (reviews.isSuccess && !openReview ? <OpenReview useCase={useCase} gate={gate} /> : null)}
      {openReview && <OpenReviewNotice review={openReview} />}
      {rollbackShown && <Rollback useCase={useCase} />}
      {canChange && !openReview && reviews.isSuccess && <Retire useCase={useCase} />}
    </Stack>
  );
}

function ReviewTable({ reviews }: { reviews: Review[] }) {
  const directory = useDirectory();
  return (
    <Table.ScrollContainer minWidth={800}>
      <Table striped>
        <Table.Caption>Newest first; each review is pinned to a revision and a gate-policy version</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Gate</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col">Tier</Table.Th>
            <Table.Th scope="col">Revision</Table.Th>
            <Table.Th scope="col">Opened</Table.Th>
            <Table.Th scope="col">Closed</Table.Th>
            <Table.Th scope="col">Still needed</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {[...reviews]
            .sort((a, b) => b.openedAt.localeCompare(a.openedAt))
            .map((review) => (
              <Table.Tr key={review.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/reviews/${review.id}`}>
                    {GATE_LABELS[review.gate]}
                  </Anchor>
                  <Text size="xs" c="dimmed">
                    {STAGE_LABELS[review.fromStage]} → {STAGE_LABELS[review.toStage]}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <ReviewStatusBadge status={review.status} />
                </Table.Td>
                <Table.Td>{TIER_LABELS[review.tier]}</Table.Td>
                <Table.Td>
                  {review.revision}
                  {review.openedRevision !== review.revision && (
                    <Text size="xs" c="dimmed">
                      opened on {review.openedRevision}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatDateTime(review.openedAt)}</Text>
                  <Text size="xs" c="dimmed">
                    by {directory.personName(review.openedBy)}
                  </Text>
                </Table.Td>
                <Table.Td>{formatDateTime(review.closedAt)}</Table.Td>
                <Table.Td>
                  {review.status !== 'open' ? (
                    '—'
                  ) : (
                    <Stack gap={2}>
                      {review.missing.length > 0 && (
                        <Text size="sm">Sign-offs: {review.missing.map((slot) => `${slot.quorum > 1 ? `${slot.quorum} × ` : ''}${ROLE_LABELS[slot.role]}`).join(', ')}</Text>
                      )}
                      {review.unmetRequirements.map((gap) => (
                        <Text size="xs" key={gap.detail}>
                          {gap.detail}
                        </Text>
                      ))}
                    </Stack>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function useOpenReview(useCase: UseCaseDetail) {
  const client = useQueryClient();
  const refresh = useRefreshUseCase(useCase.id);
  return useMutation({
    mutationFn: async (body: Schema<'OpenReviewDto'>) => unwrap(await api.POST('/api/use-cases/{id}/reviews', { params: { path: { id: useCase.id } }, body })),
    onSuccess: async () => {
      await Promise.all([client.invalidateQueries({ queryKey: keys.reviews(useCase.id) }), refresh(), client.invalidateQueries({ queryKey: ['inbox'] })]);
    },
  });
}

function OpenReview({ useCase, gate }: { useCase: UseCaseDetail; gate: Gate }) {
  const open = useOpenReview(useCase);
  const policy = useGatePolicy();
  const checklistText = (id: string) => policy.data?.document.checklistItems[id]?.text;
  const todos = todosOf(open.error, useCase.id, gate, checklistText);
  const requirements = policy.data ? requirementsFor(policy.data, gate, useCase.tier) : undefined;
  const alreadyOpen = problemCode(open.error) === 'review-already-open' && open.error instanceof ApiError ? (open.error.problem as { reviewId?: string }).reviewId : undefined;

  return (
    <Paper withBorder p="md" maw={900} component="section" aria-label="Open a review">
      <Stack gap="sm">
        <Title order={3}>Open the {GATE_LABELS[gate].toLowerCase()} review</Title>
        <GateRequirementsSummary useCase={useCase} gate={gate} headingLevel={4} />
        <Text size="sm">
          Opening the review pins revision {useCase.revision} and the current gate policy; the people it names then sign off. You cannot sign a review you opened.
        </Text>
        {todos && todos.length > 0 ? (
          <GateTodoList todos={todos} requirements={requirements} />
        ) : (
          <ProblemAlert error={open.error} title="The review was not opened" />
        )}
        {alreadyOpen && (
          <Anchor component={Link} to={`/reviews/${alreadyOpen}`}>
            Go to the open review
          </Anchor>
        )}
        <Group>
          <Button loading={open.isPending} onClick={() => open.mutate({ gate })}>
            Open review
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

const slotsInWords = (slots: Review['slots']) => slots.map((slot) => `${slot.quorum > 1 ? `${slot.quorum} × ` : ''}${ROLE_LABELS[slot.role]}`).join(', ');

/** The open review: what it is pinned to, who must still sign, and the way to it. */
function OpenReviewNotice({ review }: { review: Review }) {
  return (
    <Notice title="A review is open" role="status">
      <Text size="sm">
        The {GATE_LABELS[review.gate].toLowerCase()} review is open on revision {review.revision} (gate policy version {review.policyVersion}). It needs sign-offs from{' '}
        {slotsInWords(review.slots)}
        {review.missing.length > 0 ? `; still missing: ${slotsInWords(review.missing)}` : ''}. Whoever opened it cannot sign it.
      </Text>
      <Anchor component={Link} to={`/reviews/${review.id}`} size="sm">
        Go to the review
      </Anchor>
    </Notice>
  );
}

function Rollback({ useCase }: { useCase: UseCaseDetail }) {
  const earlier = STAGES.slice(0, STAGES.indexOf(useCase.stage)).filter((stage): stage is Exclude<Stage, 'retired'> => stage !== 'retired');
  const [toStage, setToStage] = useState<Stage>(earlier[earlier.length - 1] ?? 'design');
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [attempted, setAttempted] = useState(false);
  const client = useQueryClient();
  const refresh = useRefreshUseCase(useCase.id);
  const rollback = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/use-cases/{id}/rollback', { params: { path: { id: useCase.id } }, body: { toStage, reason: reason.trim() } })),
    onSuccess: async () => {
      setConfirming(false);
      setReason('');
      setAttempted(false);
      await Promise.all([refresh(), client.invalidateQueries({ queryKey: keys.reviews(useCase.id) })]);
    },
    onError: () => setConfirming(false),
  });
  const errors: Record<string, string> = { ...(attempted && !reason.trim() ? { reason: 'Say why it goes back (drift, an incident…)' } : {}), ...fieldErrors(rollback.error) };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (!reason.trim()) return;
    rollback.reset();
    setConfirming(true);
  };
  return (
    <Paper withBorder p="md" maw={900} component="section" aria-label="Send back to an earlier stage">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={3}>Send back to an earlier stage</Title>
          <Text size="sm">
            After drift or an incident, a role the policy names for the {STAGE_LABELS[useCase.stage].toLowerCase()} gate can send the use case back. Going forward again needs the
            gates again. A rollback waits for any open review to close.
          </Text>
          <NativeSelect
            label="Target stage"
            maw={320}
            value={toStage}
            onChange={(event) => {
              setConfirming(false);
              setToStage(event.currentTarget.value as Stage);
            }}
            data={earlier.map((stage) => ({ value: stage, label: STAGE_LABELS[stage] }))}
            error={errors.toStage}
          />
          <Textarea label="Reason for the rollback" required autosize minRows={2} value={reason} onChange={(event) => setReason(event.currentTarget.value)} error={errors.reason} />
          <ProblemAlert error={rollback.error} title="The use case was not sent back" />
          {confirming ? (
            <Notice title={`Send it back to ${STAGE_LABELS[toStage].toLowerCase()}?`} accent={CAUTION_COLOR} role="alertdialog" label="Confirm the rollback">
              <Text size="sm" mb="xs">
                The use case leaves {STAGE_LABELS[useCase.stage].toLowerCase()} now; every gate after {STAGE_LABELS[toStage].toLowerCase()} must pass again. This is recorded with your
                reason.
              </Text>
              <Group>
                <Button color={CAUTION_COLOR} autoFocus loading={rollback.isPending} onClick={() => rollback.mutate()}>
                  Confirm rollback
                </Button>
                <Button variant="default" onClick={() => setConfirming(false)}>
                  Cancel
                </Button>
              </Group>
            </Notice>
          ) : (
            <Group>
              <Button type="submit" variant="default">
                Roll back…
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Paper>
  );
}

function Retire({ useCase }: { useCase: UseCaseDetail }) {
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [attempted, setAttempted] = useState(false);
  const open = useOpenReview(useCase);
  const policy = useGatePolicy();
  const checklistText = (id: string) => policy.data?.document.checklistItems[id]?.text;
  const todos = todosOf(open.error, useCase.id, 'retire', checklistText);
  const requirements = policy.data ? requirementsFor(policy.data, 'retire', useCase.tier) : undefined;
  const errors: Record<string, string> = { ...(attempted && !reason.trim() ? { reason: 'A retirement needs a reason' } : {}), ...fieldErrors(open.error) };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (!reason.trim()) return;
    open.reset();
    setConfirming(true);
  };
  return (
    <Paper withBorder p="md" maw={900} component="section" aria-label="Retire this use case">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={3}>Retire this use case</Title>
          <Text size="sm">Retirement is a gate like the others: it opens a review, and the use case is retired when the people the policy names have signed it.</Text>
          <Textarea label="Reason for retirement" required autosize minRows={2} value={reason} onChange={(event) => setReason(event.currentTarget.value)} error={errors.reason} />
          {todos && todos.length > 0 ? <GateTodoList todos={todos} requirements={requirements} /> : <ProblemAlert error={open.error} title="The retirement review was not opened" />}
            {confirming ? (
            <Notice title="Open the retirement review?" accent={CAUTION_COLOR} role="alertdialog" label="Confirm the retirement">
              <Text size="sm" mb="xs">
                Once it passes, the use case is retired for good: it can no longer change and no gate opens again.
              </Text>
              <Group>
                <Button
                  color={CAUTION_COLOR}
                  autoFocus
                  loading={open.isPending}
                  onClick={() => open.mutate({ gate: 'retire', reason: reason.trim() }, { onSettled: () => setConfirming(false) })}
                >
                  Open the retirement review
                </Button>
                <Button variant="default" onClick={() => setConfirming(false)}>
                  Cancel
                </Button>
              </Group>
            </Notice>
          ) : (
            <Group>
              <Button type="submit" variant="default">
                Retire…
              </Button>
            </Group>
          )}
          {requirements && (
            <List size="xs" c="dimmed">
              <List.Item>
                Signed by: {requirements.signOffs.map((slot) => `${slot.quorum > 1 ? `${slot.quorum} × ` : ''}${ROLE_LABELS[slot.role]}`).join(', ') || 'nobody'}
              </List.Item>
            </List>
          )}
        </Stack>
      </form>
    </Paper>
  );
}
