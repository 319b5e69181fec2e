import { Badge, Button, Checkbox, Code, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { api, unwrap, type Schema } from '../../api/client';
import { fieldErrors } from '../../api/problems';
import { QueryState } from '../../components/PageState';
import { ProblemAlert } from '../../components/ProblemAlert';
import { formatDateTime } from '../../components/format';
import { SecretOnceModal } from '../../components/SecretOnceModal';
import { useAbilities, useMe } from '../../auth/session';
import { ConfirmModal, ORG_ROLES, ROLE_HELP, ROLE_LABELS, useUsers, type OrgRole } from './people';

type ApiKey = Schema<'ApiKeyResponse'>;
type CreatedKey = Schema<'CreatedApiKeyResponse'>;

/**
 * API keys for machines: everyone manages their own; administrators also manage a
 * service account's (`?user=<id>`). The secret is shown once, when the key is made.
 */
export default function ApiKeysPage() {
  const me = useMe();
  const can = useAbilities();
  const [searchParams, setSearchParams] = useSearchParams();
  const requested = searchParams.get('user');
  const ownerId = requested && requested !== me.id ? requested : undefined;
  const users = useUsers(can.isAdmin || can.audits);
  const owner = ownerId ? users.data?.find((user) => user.id === ownerId) : undefined;
  const ownerRoles: OrgRole[] = ownerId ? (owner?.roles ?? []) : me.roles;
  const ownerName = ownerId ? (owner?.displayName ?? 'this account') : 'you';

  const keys = useQuery({
    queryKey: ['api-keys', ownerId ?? 'me'],
    queryFn: async () =>
      ownerId
        ? unwrap(await api.GET('/api/users/{id}/api-keys', { params: { path: { id: ownerId } } }))
        : unwrap(await api.GET('/api/me/api-keys')),
  });

  const serviceAccounts = (users.data ?? []).filter((user) => user.kind === 'service');
  const ownerOptions = [
    { value: me.id, label: `My keys (${me.displayName})` },
    ...serviceAccounts.map((user) => ({ value: user.id, label: `${user.displayName} (service account${user.active ? '' : ', deactivated'})` })),
  ];
  if (ownerId && !ownerOptions.some((option) => option.value === ownerId)) ownerOptions.push({ value: ownerId, label: owner?.displayName ?? ownerId });

  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>API keys</Title>
        <Text c="dimmed" size="sm" mt={4}>
          A key lets a pipeline or a tool call Gatehouse as its owner, with the organisation roles it was given (narrowed to what the owner still
          holds) and the owner's team places. Gatehouse keeps only a hash of each key: the key itself is shown once, when it is made. A key
          cannot create keys or change a password.
        </Text>
      </div>

      {can.isAdmin && (
        <Select
          label="Keys of"
          description="Administrators also manage service accounts' keys"
          data={ownerOptions}
          value={ownerId ?? me.id}
          onChange={(value) => setSearchParams(value && value !== me.id ? { user: value } : {})}
          allowDeselect={false}
          maw={420}
        />
      )}

      {(!ownerId || can.isAdmin) && <CreateKeyForm ownerId={ownerId} ownerRoles={ownerRoles} ownerName={ownerName} />}

      <section aria-labelledby="keys-heading">
        <Title order={2} id="keys-heading" mb="sm">
          {ownerId ? `Keys of ${owner?.displayName ?? 'this account'}` : 'Your keys'}
        </Title>
        <QueryState query={keys} label="Loading API keys" isEmpty={(data) => data.length === 0} empty="No API keys yet.">
          {(data) => <KeysTable keys={data} ownerId={ownerId} />}
        </QueryState>
      </section>
    </Stack>
  );
}

function CreateKeyForm({ ownerId, ownerRoles, ownerName }: { ownerId?: string; ownerRoles: OrgRole[]; ownerName: string }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<string[]>([]);
  const [missing, setMissing] = useState(false);
  const [created, setCreated] = useState<CreatedKey | undefined>();

  const create = useMutation({
    mutationFn: async () => {
      const body = { name: name.trim(), roles: roles as OrgRole[] };
      return ownerId
        ? unwrap(await api.POST('/api/users/{id}/api-keys', { params: { path: { id: ownerId } }, body }))
        : unwrap(await api.POST('/api/me/api-keys', { body }));
    },
    onSuccess: (key) => {
      setCreated(key);
      setName('');
      setRoles([]);
      void queryClient.invalidateQueries({ queryKey: ['api-keys'] });
    },
  });
  const errors = fieldErrors(create.error);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMissing(!name.trim());
    if (name.trim()) create.mutate();
  };

  return (
    <>
      <form onSubmit={submit} aria-labelledby="new-key-heading" noValidate>
        <Title order={2} id="new-key-heading" mb="xs">
          New API key
        </Title>
        <Stack gap="sm" maw={560}>
          <TextInput
            label="Key name"
            description="What it is for, e.g. release pipeline"
            required
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={missing ? 'Enter a name.' : errors.name}
          />
          <Checkbox.Group
            label="Roles the key acts with"
            description={
              ownerRoles.length
                ? `Among the organisation roles ${ownerName === 'you' ? 'you hold' : `${ownerName} holds`}; none is fine for a key that only works on team use cases.`
                : `${ownerName === 'you' ? 'You hold' : `${ownerName} holds`} no organisation role: the key acts with team places only.`
            }
            value={roles}
            onChange={setRoles}
            error={errors.roles}
          >
            <Stack gap={6} mt={6}>
              {ORG_ROLES.filter((role) => ownerRoles.includes(role)).map((role) => (
                <Checkbox key={role} value={role} label={ROLE_LABELS[role]} description={ROLE_HELP[role]} />
              ))}
            </Stack>
          </Checkbox.Group>
          {create.isError && <ProblemAlert error={create.error} title="The key was not created" />}
          <Group>
            <Button type="submit" loading={create.isPending}>
              Create key
            </Button>
          </Group>
        </Stack>
      </form>
      <SecretOnce created={created} onClose={() => setCreated(undefined)} />
    </>
  );
}

/** The new key's secret, this once: copy it, then it is gone from this page. */
function SecretOnce({ created, onClose }: { created: CreatedKey | undefined; onClose: () => void }) {
  return (
    <SecretOnceModal title="Your new API key" secret={created?.token} what="the key (it keeps only a hash)" copyLabel="Copy the key" testId="new-api-key-token" onClose={onClose}>
      {created && (
        <Text size="sm">
          Key “{created.name}”, starting <Code>{created.prefix}</Code>
          {created.roles.length > 0 && `, with ${created.roles.map((role) => ROLE_LABELS[role]).join(', ')}`}. Send it as{' '}
          <Code>Authorization: Bearer &lt;key&gt;</Code>.
        </Text>
      )}
    </SecretOnceModal>
  );
}

function KeysTable({ keys, ownerId }: { keys: ApiKey[]; ownerId?: string }) {
  const queryClient = useQueryClient();
  const [revoking, setRevoking] = useState<ApiKey | undefined>();
  const revoke = useMutation({
    mutationFn: async (key: ApiKey) =>
      ownerId
        ? unwrap(await api.DELETE('/api/api-keys/{id}', { params: { path: { id: key.id } } }))
        : unwrap(await api.DELETE('/api/me/api-keys/{id}', { params: { path: { id: key.id } } })),
    onSuccess: () => {
      setRevoking(undefined);
      void queryClient.invalidateQueries({ queryKey: ['api-keys'] });
    },
  });

  return (
    <>
      <Table.ScrollContainer minWidth={760}>
        <Table striped verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Name</Table.Th>
              <Table.Th scope="col">Starts with</Table.Th>
              <Table.Th scope="col">Roles</Table.Th>
              <Table.Th scope="col">Created</Table.Th>
              <Table.Th scope="col">Last used</Table.Th>
              <Table.Th scope="col">Status</Table.Th>
              <Table.Th scope="col">Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {keys.map((key) => (
              <Table.Tr key={key.id}>
                <Table.Th scope="row" fw={500}>
                  {key.name}
                </Table.Th>
                <Table.Td>
                  <Code>{key.prefix}</Code>
                </Table.Td>
                <Table.Td>{key.roles.length ? key.roles.map((role) => ROLE_LABELS[role]).join(', ') : 'Team places only'}</Table.Td>
                <Table.Td>{formatDateTime(key.createdAt)}</Table.Td>
                <Table.Td>{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : 'Never'}</Table.Td>
                <Table.Td>
                  {key.revokedAt ? (
                    <Badge color="gray.8" variant="outline" title={key.revokedAt}>
                      Revoked {formatDateTime(key.revokedAt)}
                    </Badge>
                  ) : (
                    <Badge color="teal.9" variant="outline">
                      Active
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  {!key.revokedAt && (
                    <Button
                      size="xs"
                      variant="default"
                      color="red"
                      onClick={() => {
                        revoke.reset();
                        setRevoking(key);
                      }}
                      aria-label={`Revoke ${key.name}`}
                    >
                      Revoke
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <ConfirmModal
        opened={revoking !== undefined}
        title="Revoke API key"
        confirmLabel="Revoke key"
        onConfirm={() => revoking && revoke.mutate(revoking)}
        onClose={() => setRevoking(undefined)}
        pending={revoke.isPending}
        error={revoke.error}
      >
        {revoking && (
          <>
            Revoke “{revoking.name}” (<Code>{revoking.prefix}</Code>)? Whatever uses it is refused from its next request. A revoked key cannot be
            restored.
          </>
        )}
      </ConfirmModal>
    </>
  );
}
