import { Anchor, Badge, Box, Button, Code, Group, Loader, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap, type Schema } from '../../api/client';
import { QueryState } from '../../components/PageState';
import { ProblemAlert } from '../../components/ProblemAlert';
import { formatDateTime } from '../../components/format';
import { Target } from './Target';
import {
  AUDIT_ACTIONS,
  BREAK_REASONS,
  exportHref,
  filtersFrom,
  filtersToParams,
  fromLocalInput,
  listQuery,
  toLocalInput,
  type AuditFilters,
} from './auditTrail';

type AuditEvent = Schema<'AuditEventResponse'>;
type Verification = Schema<'AuditVerificationResponse'>;

const PAGE_SIZE = 50;

/**
 * The audit trail for compliance officers and administrators: filters kept in the
 * URL (a filtered view is a link, the back button undoes a filter), pages of events
 * in seq order, exports of exactly what the filters select, and a check of the chain.
 */
export default function AuditPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = useMemo(() => filtersFrom(searchParams), [searchParams]);
  const filterKey = filtersToParams(filters).toString();

  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>Audit trail</Title>
        <Text c="dimmed" size="sm" mt={4}>
          Every change Gatehouse makes, and every refused attempt, in the order it was sealed into the hash chain (oldest first). Reading,
          exporting and verifying the trail are recorded too.
        </Text>
      </div>

      <FilterForm key={filterKey} initial={filters} onApply={(next) => setSearchParams(filtersToParams(next))} />

      <ExportAndVerify filters={filters} />

      <section aria-labelledby="audit-events-heading">
        <Title order={2} id="audit-events-heading" mb="sm">
          Events
        </Title>
        <EventsTable filters={filters} />
      </section>
    </Stack>
  );
}

function FilterForm({ initial, onApply }: { initial: AuditFilters; onApply: (filters: AuditFilters) => void }) {
  const [useCaseId, setUseCaseId] = useState(initial.useCaseId ?? '');
  const [actorId, setActorId] = useState(initial.actorId ?? '');
  const [action, setAction] = useState(initial.action ?? '');
  const [from, setFrom] = useState(toLocalInput(initial.from));
  const [to, setTo] = useState(toLocalInput(initial.to));
  const hasFilters = Object.keys(initial).length > 0;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply({ useCaseId, actorId, action, from: fromLocalInput(from), to: fromLocalInput(to) });
  };

  return (
    <Box component="form" onSubmit={submit} aria-labelledby="audit-filter-heading" noValidate>
      <Title order={2} id="audit-filter-heading" size="h4" mb="xs">
        Filter
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 5 }} spacing="sm">
        <TextInput
          label="Use case"
          description="The use case's id"
          placeholder="e.g. 0b9d6c1e-…"
          value={useCaseId}
          onChange={(event) => setUseCaseId(event.currentTarget.value)}
        />
        <TextInput
          label="Actor"
          description="A user or API key id"
          value={actorId}
          onChange={(event) => setActorId(event.currentTarget.value)}
        />
        {/* A native list of suggestions: free text as the API takes it, and one labelled control (no hidden listbox). */}
        <TextInput
          label="Action"
          description="From the action catalogue"
          placeholder="e.g. sign_off.recorded"
          list="audit-actions"
          autoComplete="off"
          value={action}
          onChange={(event) => setAction(event.currentTarget.value)}
        />
        <datalist id="audit-actions">
          {AUDIT_ACTIONS.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <TextInput
          type="datetime-local"
          label="From"
          description="At or after (your time zone)"
          value={from}
          onChange={(event) => setFrom(event.currentTarget.value)}
        />
        <TextInput
          type="datetime-local"
          label="To"
          description="Before (your time zone)"
          value={to}
          onChange={(event) => setTo(event.currentTarget.value)}
        />
      </SimpleGrid>
      <Group mt="sm">
        <Button type="submit">Apply filters</Button>
        {hasFilters && (
          <Button variant="default" onClick={() => onApply({})}>
            Clear filters
          </Button>
        )}
      </Group>
    </Box>
  );
}

function ExportAndVerify({ filters }: { filters: AuditFilters }) {
  const queryClient = useQueryClient();
  const verify = useMutation({
    mutationFn: async () => unwrap(await api.GET('/api/audit/verify')),
    // An intact check is recorded in the trail (audit.verified): the listing has a new event.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['audit-events'] }),
  });
  const filtered = Object.keys(filters).length > 0;

  return (
    <section aria-labelledby="audit-check-heading">
      <Title order={2} id="audit-check-heading" size="h4" mb="xs">
        Export and verify
      </Title>
      <Group>
        <Button component="a" href={exportHref(filters, 'ndjson')} download variant="default">
          Export NDJSON
        </Button>
        <Button component="a" href={exportHref(filters, 'csv')} download variant="default">
          Export CSV
        </Button>
        <Button onClick={() => verify.mutate()} loading={verify.isPending}>
          Verify the chain
        </Button>
      </Group>
      <Text size="xs" c="dimmed" mt={6}>
        {filtered
          ? 'The exports hold the events the filters select. An auditor re-verifies a filtered file only link by link; export without filters for a file that verifies from seq 1.'
          : 'An unfiltered export verifies from seq 1 with docs/audit-chain.md alone, without Gatehouse.'}{' '}
        Verification always checks the whole chain, whatever the filters.
      </Text>
      <Box component="section" aria-label="Verification verdict" aria-live="polite" aria-busy={verify.isPending} mt="sm" data-testid="verification-verdict">
        {verify.isPending && (
          <Group gap="xs">
            <Loader size="sm" aria-hidden />
            <Text size="sm">Verifying the chain: every event's hash and link, from seq 1 to the head…</Text>
          </Group>
        )}
        {verify.isError && <ProblemAlert error={verify.error} title="The chain could not be checked" />}
        {verify.data && !verify.isPending && <Verdict result={verify.data} />}
      </Box>
    </section>
  );
}

function Verdict({ result }: { result: Verification }) {
  if (result.intact && result.eventsChecked === 0) {
    return <VerdictBox tone="gray.8" badge="Empty" title="Nothing to check">The chain is empty: no event has been recorded yet.</VerdictBox>;
  }
  if (result.intact) {
    return (
      <VerdictBox tone="teal.9" badge="Intact" title="The chain verifies">
        <Text size="sm">
          The chain is intact up to seq {result.toSeq}: {result.eventsChecked} events checked from seq {result.fromSeq}, each hash and each link
          recomputed.
        </Text>
        <Text size="sm">
          Head hash:{' '}
          <Code style={{ wordBreak: 'break-all' }} data-testid="verified-head-hash">
            {result.headHash}
          </Code>
        </Text>
        <Text size="sm">
          Note the head hash outside Gatehouse: a later export that holds seq {result.toSeq} with this hash has not been rewritten since.
          {result.recording.recorded && result.recording.seq !== undefined && (
            <>
              {' '}
              This check is recorded as{' '}
              <Anchor component={Link} to={`/audit/events/${result.recording.seq}`} underline="always">
                event {result.recording.seq}
              </Anchor>
              .
            </>
          )}
        </Text>
      </VerdictBox>
    );
  }
  const broken = result.firstBreak;
  return (
    <VerdictBox tone="red.9" badge="Broken" title="The chain is broken">
      {broken ? (
        <Text size="sm">
          The first broken event is{' '}
          <Anchor component={Link} to={`/audit/events/${broken.seq}`} underline="always">
            seq {broken.seq}
          </Anchor>
          : {BREAK_REASONS[broken.reason] ?? broken.reason}.
        </Text>
      ) : (
        <Text size="sm">The chain does not verify.</Text>
      )}
      {broken?.detail && (
        <Text size="sm">
          <Code>{broken.reason}</Code> {broken.detail}
        </Text>
      )}
      {result.intactUpToSeq !== undefined && <Text size="sm">Every event up to seq {result.intactUpToSeq} checks out.</Text>}
      <Text size="sm">
        This check is not recorded in the trail{result.recording.reason ? ` (${result.recording.reason})` : ''}: appending to a broken chain
        would move the break. Tell an administrator; changes are suspended until the break is examined.
      </Text>
    </VerdictBox>
  );
}

/** A verdict in words first; the colour of its edge and badge only repeats them. */
function VerdictBox({ tone, badge, title, children }: { tone: string; badge: string; title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" style={{ borderLeft: `4px solid var(--mantine-color-${tone.replace('.', '-')})` }}>
      <Group gap="xs" mb={6}>
        <Badge color={tone} variant="filled">
          {badge}
        </Badge>
        <Text fw={700}>{title}</Text>
      </Group>
      <Stack gap={4}>{children}</Stack>
    </Paper>
  );
}

function EventsTable({ filters }: { filters: AuditFilters }) {
  const events = useInfiniteQuery({
    queryKey: ['audit-events', 'list', filters],
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET('/api/audit/events', { params: { query: { ...listQuery(filters), limit: PAGE_SIZE, cursor: pageParam } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    // Every read of the trail is itself recorded: read when asked, not whenever the window regains focus.
    refetchOnWindowFocus: false,
    staleTime: 60_000,
  });

  return (
    <QueryState
      query={events}
      label="Loading the audit trail"
      isEmpty={(data) => data.pages.every((page) => page.items.length === 0)}
      empty="No event matches these filters."
    >
      {(data) => {
        const items = data.pages.flatMap((page) => page.items);
        return (
          <Stack gap="sm">
            <Table.ScrollContainer minWidth={720}>
              <Table striped highlightOnHover verticalSpacing="xs">
                <Table.Caption>
                  {items.length} event{items.length === 1 ? '' : 's'} shown{events.hasNextPage ? '; more follow' : ''}
                </Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Seq</Table.Th>
                    <Table.Th scope="col">Time</Table.Th>
                    <Table.Th scope="col">Actor</Table.Th>
                    <Table.Th scope="col">Action</Table.Th>
                    <Table.Th scope="col">Target</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((event) => (
                    <EventRow key={event.seq} event={event} />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {events.isFetchNextPageError && <ProblemAlert error={events.error} title="The next page could not be loaded" />}
            {events.hasNextPage && (
              <Group>
                <Button variant="default" onClick={() => void events.fetchNextPage()} loading={events.isFetchingNextPage}>
                  Load more
                </Button>
              </Group>
            )}
          </Stack>
        );
      }}
    </QueryState>
  );
}

function EventRow({ event }: { event: AuditEvent }) {
  return (
    <Table.Tr>
      <Table.Td>
        <Anchor component={Link} to={`/audit/events/${event.seq}`} aria-label={`Event ${event.seq}`}>
          {event.seq}
        </Anchor>
      </Table.Td>
      <Table.Td>
        <time dateTime={event.occurredAt} title={event.occurredAt}>
          {formatDateTime(event.occurredAt)}
        </time>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{event.actor.displayName}</Text>
        <Text size="xs" c="dimmed">
          {event.actor.kind === 'api_key' ? 'API key' : event.actor.kind}
          {event.actor.roles.length > 0 && ` · ${event.actor.roles.join(', ')}`}
        </Text>
      </Table.Td>
      <Table.Td>
        <Code>{event.action}</Code>
      </Table.Td>
      <Table.Td>
        <Target event={event} />
      </Table.Td>
    </Table.Tr>
  );
}
