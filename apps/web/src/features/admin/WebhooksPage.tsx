import { Anchor, Badge, Button, Code, Group, NumberInput, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap, type Schema } from '../../api/client';
import { fieldErrors } from '../../api/problems';
import { QueryState } from '../../components/PageState';
import { ProblemAlert } from '../../components/ProblemAlert';
import { SecretOnceModal } from '../../components/SecretOnceModal';
import { formatDateTime } from '../../components/format';
import { ConfirmModal } from './people';

type Webhook = Schema<'WebhookResponse'>;
const WEBHOOKS_KEY = ['webhooks'] as const;

const STATUS_WORDS: Record<Webhook['status'], string> = {
  active: 'Active',
  retrying: 'Retrying after a failure',
  parked: 'Parked: too many failures',
  disabled: 'Disabled',
};

/**
 * Signed webhooks (admins): endpoints that receive audit events in seq order, each
 * signed with the Standard Webhooks scheme. The signing secret is shown once, when the
 * endpoint is registered or its secret rotated.
 */
export default function WebhooksPage() {
  const [secret, setSecret] = useState<{ value: string; url: string } | undefined>();
  const webhooks = useQuery({ queryKey: WEBHOOKS_KEY, queryFn: async () => unwrap(await api.GET('/api/webhooks')) });

  return (
    <Stack gap="xl">
      <div>
        <Title order={1}>Webhooks</Title>
        <Text c="dimmed" size="sm" mt={4}>
          Each endpoint receives the audit events it selects, in order, at least once, signed with its secret (headers webhook-id,
          webhook-timestamp, webhook-signature). The README shows how a receiver verifies them.
        </Text>
      </div>
      <RegisterForm onRegistered={(value, url) => setSecret({ value, url })} />
      <section aria-labelledby="endpoints-heading">
        <Title order={2} id="endpoints-heading" mb="sm">
          Endpoints
        </Title>
        <QueryState query={webhooks} label="Loading webhooks" isEmpty={(list) => list.length === 0} empty="No endpoint is registered.">
          {(list) => (
            <Stack>
              {list.map((webhook) => (
                <Endpoint key={webhook.id} webhook={webhook} onRotated={(value) => setSecret({ value, url: webhook.url })} />
              ))}
            </Stack>
          )}
        </QueryState>
      </section>
      <SecretOnceModal
        title="The endpoint's signing secret"
        secret={secret?.value}
        what="the signing secret"
        copyLabel="Copy the secret"
        testId="webhook-secret"
        onClose={() => setSecret(undefined)}
      >
        <Text size="sm">
          Deliveries to <Code>{secret?.url}</Code> are signed with it. Give it to the receiver to verify each request.
        </Text>
      </SecretOnceModal>
    </Stack>
  );
}

function RegisterForm({ onRegistered }: { onRegistered: (secret: string, url: string) => void }) {
  const client = useQueryClient();
  const [url, setUrl] = useState('');
  const [eventTypes, setEventTypes] = useState('gate_review.*');
  const [description, setDescription] = useState('');
  const register = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/webhooks', {
          body: { url: url.trim(), eventTypes: eventTypes.split(/[\s,]+/).filter(Boolean), description: description.trim() || null },
        }),
      ),
    onSuccess: (created) => {
      onRegistered(created.secret, created.url);
      setUrl('');
      setDescription('');
      void client.invalidateQueries({ queryKey: WEBHOOKS_KEY });
    },
  });
  const errors = fieldErrors(register.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    register.mutate();
  };

  return (
    <section aria-labelledby="register-webhook-heading">
      <Title order={2} id="register-webhook-heading" mb="sm">
        Register an endpoint
      </Title>
      <form onSubmit={submit} noValidate>
        <Stack maw={640}>
          <TextInput label="Endpoint URL" required placeholder="https://hooks.example.com/gatehouse" value={url} onChange={(e) => setUrl(e.currentTarget.value)} error={errors.url} />
          <TextInput
            label="Event types"
            required
            description="Audit actions, separated by commas or spaces: an action (use_case.retired), a family (gate_review.*) or * for all."
            value={eventTypes}
            onChange={(e) => setEventTypes(e.currentTarget.value)}
            error={errors.eventTypes ?? Object.entries(errors).find(([field]) => field.startsWith('eventTypes.'))?.[1]}
          />
          <TextInput label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={errors.description} />
          <ProblemAlert error={register.error} title="The endpoint was not registered" />
          <Group>
            <Button type="submit" loading={register.isPending}>
              Register endpoint
            </Button>
          </Group>
        </Stack>
      </form>
    </section>
  );
}

function Endpoint({ webhook, onRotated }: { webhook: Webhook; onRotated: (secret: string) => void }) {
  const client = useQueryClient();
  const [showDeliveries, setShowDeliveries] = useState(false);
  const [confirming, setConfirming] = useState<'disable' | 'rotate' | undefined>();
  const [fromSeq, setFromSeq] = useState<number | string>('');
  const refresh = () => client.invalidateQueries({ queryKey: WEBHOOKS_KEY });
  const disable = useMutation({
    mutationFn: async () => unwrap(await api.DELETE('/api/webhooks/{id}', { params: { path: { id: webhook.id } } })),
    onSuccess: () => {
      setConfirming(undefined);
      void refresh();
    },
  });
  const rotate = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/webhooks/{id}/rotate-secret', { params: { path: { id: webhook.id } } })),
    onSuccess: (rotated) => {
      setConfirming(undefined);
      onRotated(rotated.secret);
      void refresh();
    },
  });
  const redeliver = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/api/webhooks/{id}/redeliver', { params: { path: { id: webhook.id } }, body: fromSeq === '' ? {} : { fromSeq: Number(fromSeq) } })),
    onSuccess: () => void refresh(),
  });
  const name = webhook.description || webhook.url;

  return (
    <Stack component="article" aria-label={name} gap="xs" p="md" style={{ border: '1px solid var(--mantine-color-gray-4)', borderRadius: 4 }}>
      <Group justify="space-between" align="flex-start">
        <div>
          <Text fw={600}>{name}</Text>
          <Code>{webhook.url}</Code>
        </div>
        <Badge variant="outline" color={webhook.status === 'active' ? 'teal.9' : webhook.status === 'disabled' ? 'gray.8' : 'red.9'}>
          {STATUS_WORDS[webhook.status]}
        </Badge>
      </Group>
      <Text size="sm">
        Receives {webhook.eventTypes.join(', ')}; delivered up to seq {webhook.lastDeliveredSeq}
        {webhook.consecutiveFailures > 0 && `; ${webhook.consecutiveFailures} failure(s) in a row, next attempt ${formatDateTime(webhook.nextAttemptAt)}`}
        {webhook.previousSecretExpiresAt && `; the previous secret also signs until ${formatDateTime(webhook.previousSecretExpiresAt)}`}.
      </Text>
      {webhook.status !== 'disabled' && (
        <Group align="flex-end">
          <NumberInput label={`Redeliver from seq (${name})`} min={1} value={fromSeq} onChange={setFromSeq} w={220} />
          <Button variant="default" onClick={() => redeliver.mutate()} loading={redeliver.isPending}>
            {webhook.status === 'parked' ? 'Resume deliveries' : 'Redeliver'}
          </Button>
          <Button variant="default" onClick={() => setConfirming('rotate')}>
            Rotate secret
          </Button>
          <Button variant="default" color="red.8" onClick={() => setConfirming('disable')}>
            Disable
          </Button>
        </Group>
      )}
      <ProblemAlert error={redeliver.error} title="Deliveries were not resumed" />
      <Anchor component="button" type="button" size="sm" onClick={() => setShowDeliveries((shown) => !shown)} aria-expanded={showDeliveries}>
        {showDeliveries ? 'Hide recent deliveries' : 'Show recent deliveries'}
      </Anchor>
      {showDeliveries && <Deliveries webhook={webhook} />}
      <ConfirmModal
        opened={confirming === 'rotate'}
        title="Rotate the signing secret"
        confirmLabel="Rotate"
        onConfirm={() => rotate.mutate()}
        onClose={() => setConfirming(undefined)}
        pending={rotate.isPending}
        error={rotate.error}
      >
        A new secret signs every delivery from now on; the current one keeps signing beside it for the overlap window, so the receiver can switch
        without missing a delivery.
      </ConfirmModal>
      <ConfirmModal
        opened={confirming === 'disable'}
        title="Disable the endpoint"
        confirmLabel="Disable endpoint"
        onConfirm={() => disable.mutate()}
        onClose={() => setConfirming(undefined)}
        pending={disable.isPending}
        error={disable.error}
      >
        Nothing more is delivered to {webhook.url}. This cannot be undone; register it again to resume.
      </ConfirmModal>
    </Stack>
  );
}

function Deliveries({ webhook }: { webhook: Webhook }) {
  const deliveries = useQuery({
    queryKey: [...WEBHOOKS_KEY, webhook.id, 'deliveries'],
    queryFn: async () => unwrap(await api.GET('/api/webhooks/{id}/deliveries', { params: { path: { id: webhook.id } } })),
  });
  return (
    <QueryState query={deliveries} label="Loading deliveries" isEmpty={(page) => page.items.length === 0} empty="Nothing was sent yet.">
      {(page) => (
        <Table aria-label={`Recent deliveries to ${webhook.url}`} striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Seq</Table.Th>
              <Table.Th>When</Table.Th>
              <Table.Th>Answer</Table.Th>
              <Table.Th>Took</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {page.items.map((delivery) => (
              <Table.Tr key={delivery.id}>
                <Table.Td>{delivery.seq}</Table.Td>
                <Table.Td>{formatDateTime(delivery.attemptedAt)}</Table.Td>
                <Table.Td>{delivery.succeeded ? `Delivered (${delivery.statusCode})` : `Failed: ${delivery.statusCode ?? delivery.error ?? 'no answer'}`}</Table.Td>
                <Table.Td>{delivery.durationMs} ms</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </QueryState>
  );
}
