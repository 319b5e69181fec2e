import { Anchor, Button, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap, type Schema } from '../../../api/client';
import { formatDate, formatDateTime } from '../../../components/format';
import { QueryState } from '../../../components/PageState';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { WordBadge } from '../badges';
import { keys, useDirectory } from '../queries';
import type { TabProps } from './types';

type Obligation = Schema<'ObligationResponse'>;

function isOverdue(obligation: Obligation): boolean {
  if (obligation.status !== 'open' || !obligation.dueDate) return false;
  return obligation.dueDate < new Date().toISOString().slice(0, 10);
}

/** The conditions approvals carried, owed once their gate passed: who owns each, by when, and whether it is done. */
export function ObligationsTab({ useCase, canChange }: TabProps) {
  const directory = useDirectory();
  const client = useQueryClient();
  const obligations = useQuery({
    queryKey: keys.obligations(useCase.id),
    queryFn: async () => unwrap(await api.GET('/api/use-cases/{id}/obligations', { params: { path: { id: useCase.id } } })),
  });
  const update = useMutation({
    mutationFn: async ({ obligationId, status }: { obligationId: string; status: 'open' | 'closed' }) =>
      unwrap(await api.PATCH('/api/use-cases/{id}/obligations/{obligationId}', { params: { path: { id: useCase.id, obligationId } }, body: { status } })),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.obligations(useCase.id) }),
  });

  return (
    <Stack gap="md">
      <Title order={2}>Obligations</Title>
      <Text size="sm" c="dimmed" maw={900}>
        Conditions that signers attached to their approvals become obligations when the gate passes. The team marks them done.
      </Text>
      <QueryState query={obligations} label="Loading obligations" isEmpty={(items) => items.length === 0} empty="No obligations: no approval that passed a gate carried conditions.">
        {(items) => (
          <Table.ScrollContainer minWidth={760}>
            <Table striped>
              <Table.Caption>
                {items.filter((item) => item.status === 'open').length} open of {items.length}
              </Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Obligation</Table.Th>
                  <Table.Th scope="col">Owner</Table.Th>
                  <Table.Th scope="col">Due</Table.Th>
                  <Table.Th scope="col">Status</Table.Th>
                  <Table.Th scope="col">From review</Table.Th>
                  {canChange && <Table.Th scope="col">Action</Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((obligation) => {
                  const short = obligation.description.length > 40 ? `${obligation.description.slice(0, 37)}…` : obligation.description;
                  const pending = update.isPending && update.variables?.obligationId === obligation.id;
                  return (
                    <Table.Tr key={obligation.id}>
                      <Table.Td>{obligation.description}</Table.Td>
                      <Table.Td>{obligation.ownerId ? directory.personName(obligation.ownerId) : 'The team'}</Table.Td>
                      <Table.Td>
                        {obligation.dueDate ? formatDate(obligation.dueDate) : '—'}
                        {isOverdue(obligation) && (
                          <>
                            {' '}
                            <WordBadge tone="bad">Overdue</WordBadge>
                          </>
                        )}
                      </Table.Td>
                      <Table.Td>
                        {obligation.status === 'closed' ? (
                          <>
                            <WordBadge tone="good">Done</WordBadge>
                            <Text size="xs" c="dimmed">
                              {formatDateTime(obligation.closedAt)}
                            </Text>
                          </>
                        ) : (
                          <WordBadge tone="warn">Open</WordBadge>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Anchor component={Link} to={`/reviews/${obligation.reviewId}`} size="sm">
                          The review
                        </Anchor>
                      </Table.Td>
                      {canChange && (
                        <Table.Td>
                          {obligation.status === 'open' ? (
                            <Button
                              size="xs"
                              loading={pending}
                              aria-label={`Mark done: ${short}`}
                              onClick={() => update.mutate({ obligationId: obligation.id, status: 'closed' })}
                            >
                              Mark done
                            </Button>
                          ) : (
                            <Button size="xs" variant="default" loading={pending} aria-label={`Reopen: ${short}`} onClick={() => update.mutate({ obligationId: obligation.id, status: 'open' })}>
                              Reopen
                            </Button>
                          )}
                        </Table.Td>
                      )}
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
      <ProblemAlert error={update.error} title="The obligation was not updated" />
    </Stack>
  );
}
