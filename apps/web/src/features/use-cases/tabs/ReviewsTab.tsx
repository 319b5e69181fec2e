import { Anchor, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, ApiError, unwrap, type Schema } from '../../../api/client';
import { problemCode } from '../../../api/problems';
import { useMe } from '../../../auth/session';
import { formatDateTime } from '../../../components/format';
import { QueryState } from '../../../components/PageState';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { ReviewStatusBadge } from '../badges';
import { forwardGate, GATE_LABELS, ROLE_LABELS, STAGE_LABELS, TIER_LABELS, type Gate, type UseCaseDetail } from '../labels';
import { keys, useDirectory, useGatePolicy } from '../queries';
import { GateRequirementsSummary, requirementsFor } from './GateRequirements';
import { GateTodoList, todosOf } from './GateTodo';
import type { TabProps } from './types';
import { Notice } from '../Notice';
import { Retire, Rollback } from './Lifecycle';
import { useOpenReview } from './useOpenReview';

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
