import { Anchor, Badge, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { api, unwrap, type Schema } from '../../api/client';
import { QueryState } from '../../components/PageState';
import { formatDateTime } from '../../components/format';
import { Target } from './Target';

type AuditEvent = Schema<'AuditEventResponse'>;

/** One event's full record, read with its neighbours (seq − 1 to seq + 1) so that both links are known to lead somewhere. */
export default function AuditEventPage() {
  const { seq: raw } = useParams();
  const seq = Number(raw);
  const valid = Number.isSafeInteger(seq) && seq >= 1;

  const around = useQuery({
    queryKey: ['audit-events', 'around', seq],
    queryFn: async () =>
      unwrap(await api.GET('/api/audit/events', { params: { query: { fromSeq: Math.max(1, seq - 1), toSeq: seq + 1, limit: 3 } } })).items,
    enabled: valid,
    // A sealed event never changes; reading it again would only add another audit.read.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });

  return (
    <Stack gap="lg">
      <div>
        <Anchor component={Link} to="/audit" size="sm">
          ← Audit trail
        </Anchor>
        <Title order={1} mt={4}>
          Audit event {valid ? seq : raw}
        </Title>
      </div>
      {!valid ? (
        <Text>“{raw}” is not a sequence number: events are numbered from 1.</Text>
      ) : (
        <QueryState
          query={around}
          label="Loading the event"
          isEmpty={(items) => !items.some((event) => event.seq === seq)}
          empty={`There is no event with seq ${seq} in the chain yet.`}
        >
          {(items) => {
            const event = items.find((item) => item.seq === seq)!;
            const previous = items.find((item) => item.seq === seq - 1);
            const next = items.find((item) => item.seq === seq + 1);
            return (
              <>
                <EventRecord event={event} previous={previous} />
                <nav aria-label="Neighbouring events">
                  <Group justify="space-between">
                    {previous ? (
                      <Anchor component={Link} to={`/audit/events/${previous.seq}`}>
                        ← Previous event (seq {previous.seq})
                      </Anchor>
                    ) : (
                      <Text c="dimmed" size="sm">
                        This is the first event of the chain.
                      </Text>
                    )}
                    {next ? (
                      <Anchor component={Link} to={`/audit/events/${next.seq}`}>
                        Next event (seq {next.seq}) →
                      </Anchor>
                    ) : (
                      <Text c="dimmed" size="sm">
                        This is the latest event.
                      </Text>
                    )}
                  </Group>
                </nav>
              </>
            );
          }}
        </QueryState>
      )}
    </Stack>
  );
}

function EventRecord({ event, previous }: { event: AuditEvent; previous?: AuditEvent }) {
  const linked = previous === undefined || previous.hash === event.prevHash;
  return (
    <Stack gap="lg">
      <Table withRowBorders verticalSpacing="xs" layout="fixed">
        <Table.Tbody>
          <Field name="Seq">
            {event.seq} <Text span c="dimmed" size="xs">(chain “{event.chain}”)</Text>
          </Field>
          <Field name="Event id">
            <Code>{event.id}</Code>
          </Field>
          <Field name="Occurred at">
            <time dateTime={event.occurredAt}>{formatDateTime(event.occurredAt)}</time>{' '}
            <Text span c="dimmed" size="xs">
              ({event.occurredAt})
            </Text>
          </Field>
          <Field name="Actor">
            {event.actor.displayName}{' '}
            <Text span c="dimmed" size="xs">
              ({event.actor.kind === 'api_key' ? 'API key' : event.actor.kind}, <Code>{event.actor.id}</Code>)
            </Text>
            <Group gap={4} mt={4}>
              {event.actor.roles.length === 0 ? (
                <Text size="xs" c="dimmed">
                  No organisation role when acting
                </Text>
              ) : (
                event.actor.roles.map((role) => (
                  <Badge key={role} variant="light" size="sm">
                    {role}
                  </Badge>
                ))
              )}
            </Group>
          </Field>
          <Field name="Action">
            <Code>{event.action}</Code>
          </Field>
          <Field name="Target">
            <Target event={event} />
          </Field>
          {event.reason && <Field name="Reason">{event.reason}</Field>}
          <Field name="Request id">{event.context.requestId ? <Code>{event.context.requestId}</Code> : '—'}</Field>
          <Field name="Source address">{event.context.sourceIp ?? '—'}</Field>
          <Field name="User agent">{event.context.userAgent ?? '—'}</Field>
          <Field name="Hash">
            <Code style={{ wordBreak: 'break-all' }} data-testid="event-hash">
              {event.hash}
            </Code>
          </Field>
          <Field name="Previous hash">
            <Code style={{ wordBreak: 'break-all' }} data-testid="event-prev-hash">
              {event.prevHash}
            </Code>
            {previous && (
              <Text size="xs" c={linked ? 'dimmed' : 'red'} mt={4}>
                {linked ? `Matches the hash of event ${previous.seq}.` : `Does not match the hash of event ${previous.seq}: run a verification.`}
              </Text>
            )}
          </Field>
        </Table.Tbody>
      </Table>
      <section aria-labelledby="event-payload-heading">
        <Title order={2} size="h4" id="event-payload-heading" mb="xs">
          Data
        </Title>
        <Text size="xs" c="dimmed" mb="xs">
          The change as recorded: before, after and data. It is hashed with the fields above (docs/audit-chain.md).
        </Text>
        <Code block data-testid="event-payload" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
          {JSON.stringify(event.payload, null, 2)}
        </Code>
      </section>
    </Stack>
  );
}

function Field({ name, children }: { name: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th scope="row" w={160} style={{ verticalAlign: 'top' }}>
        {name}
      </Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}
