import { Anchor, Button, Group, List, Stack, Table, Text, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { api, unwrap, type Schema } from '../../api/client';
import { QueryState } from '../../components/PageState';
import { ProblemAlert } from '../../components/ProblemAlert';
import { formatDateTime } from '../../components/format';
import { TierBadge } from './badges';
import { approvalsWord, GATE_LABELS, ROLE_LABELS } from './labels';
import { keys } from './queries';

type InboxItem = Schema<'InboxItemResponse'>;

const PAGE_SIZE = 50;

/** What waits for my sign-off, oldest first: why I may sign it and what its gate still needs. */
export default function InboxPage() {
  const inbox = useInfiniteQuery({
    queryKey: keys.inbox,
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET('/api/me/inbox', { params: { query: { limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const items = inbox.data?.pages.flatMap((page) => page.items) ?? [];

  // A page may hold no review at all (each is checked against the sign-off rules after it is read): go on to the next by itself.
  const { hasNextPage, isFetchingNextPage, fetchNextPage, isSuccess } = inbox;
  useEffect(() => {
    if (isSuccess && items.length === 0 && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [isSuccess, items.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>Waiting for my sign-off</Title>
        <Text c="dimmed" size="sm" mt={4}>
          Gate reviews you may sign now, oldest first. Each says which roles you may sign in and which approvals its gate still needs.
        </Text>
      </div>
      <QueryState
        query={inbox}
        label="Loading what waits for you"
        isEmpty={() => items.length === 0 && !hasNextPage}
        empty="Nothing waits for your sign-off."
      >
        {() => (
          <Stack>
            {items.length > 0 && <InboxTable items={items} />}
            {inbox.isFetchNextPageError && <ProblemAlert error={inbox.error} title="Could not load more" />}
            {hasNextPage && (
              <Group>
                <Button variant="default" onClick={() => void fetchNextPage()} loading={isFetchingNextPage}>
                  Load more
                </Button>
              </Group>
            )}
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}

function InboxTable({ items }: { items: InboxItem[] }) {
  return (
    <Table.ScrollContainer minWidth={860}>
      <Table striped verticalSpacing="sm" aria-label="Reviews waiting for my sign-off">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Use case</Table.Th>
            <Table.Th scope="col">Gate</Table.Th>
            <Table.Th scope="col">Revision</Table.Th>
            <Table.Th scope="col">Opened</Table.Th>
            <Table.Th scope="col">You may sign as</Table.Th>
            <Table.Th scope="col">The gate still needs</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((item) => (
            <InboxRow key={item.reviewId} item={item} />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function InboxRow({ item }: { item: InboxItem }) {
  return (
    <Table.Tr data-review-id={item.reviewId}>
      <Table.Td>
        <Stack gap={4} align="flex-start">
          <Anchor component={Link} to={`/reviews/${item.reviewId}`} fw={600}>
            {item.title}
          </Anchor>
          <TierBadge tier={item.tier} />
        </Stack>
      </Table.Td>
      <Table.Td>{GATE_LABELS[item.gate]}</Table.Td>
      <Table.Td>{item.revision}</Table.Td>
      <Table.Td>
        <time dateTime={item.openedAt} title={item.openedAt}>
          {formatDateTime(item.openedAt)}
        </time>
      </Table.Td>
      <Table.Td>{item.roles.map((role) => ROLE_LABELS[role]).join(', ')}</Table.Td>
      <Table.Td>
        {item.missing.length ? (
          <List size="sm" spacing={2}>
            {item.missing.map((slot) => (
              <List.Item key={slot.role}>{approvalsWord(slot.role, slot.quorum)}</List.Item>
            ))}
          </List>
        ) : (
          <Text size="sm">Every approval is in; the gate waits on its requirements.</Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
