import {
  Anchor,
  Badge,
  Button,
  Checkbox,
  Divider,
  Group,
  Modal,
  PasswordInput,
  Radio,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { fieldErrors } from '../../api/problems';
import { QueryState } from '../../components/PageState';
import { ProblemAlert } from '../../components/ProblemAlert';
import { formatDate } from '../../components/format';
import { useAbilities, useMe } from '../../auth/session';
import { ORG_ROLES, ROLE_HELP, ROLE_LABELS, useUsers, type OrgRole, type User } from './people';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Administrators manage people and service accounts; compliance officers may read the list. */
export default function UsersPage() {
  const can = useAbilities();
  const users = useUsers();
  const teams = useQuery({ queryKey: ['teams'], queryFn: async () => unwrap(await api.GET('/api/teams')) });
  const [creating, setCreating] = useState(false);
  const [managingId, setManagingId] = useState<string | undefined>();
  const teamName = (id: string) => teams.data?.find((team) => team.id === id)?.name ?? id;

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={1}>Users</Title>
          <Text c="dimmed" size="sm" mt={4}>
            People sign in with a password; service accounts act through API keys only. Users are never deleted, only deactivated: the trail
            names them. Nobody grants a role to themselves.
          </Text>
        </div>
        {can.isAdmin && <Button onClick={() => setCreating(true)}>New user</Button>}
      </Group>

      <QueryState query={users} label="Loading users" isEmpty={(data) => data.length === 0} empty="No users yet.">
        {(data) => (
          <Table.ScrollContainer minWidth={800}>
            <Table striped verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Name</Table.Th>
                  <Table.Th scope="col">Email</Table.Th>
                  <Table.Th scope="col">Kind</Table.Th>
                  <Table.Th scope="col">Status</Table.Th>
                  <Table.Th scope="col">Roles</Table.Th>
                  <Table.Th scope="col">Teams</Table.Th>
                  {can.isAdmin && <Table.Th scope="col">Actions</Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.map((user) => (
                  <Table.Tr key={user.id}>
                    <Table.Th scope="row" fw={500}>
                      {user.displayName}
                    </Table.Th>
                    <Table.Td>{user.email}</Table.Td>
                    <Table.Td>{user.kind === 'service' ? 'Service account' : 'Person'}</Table.Td>
                    <Table.Td>
                      <Badge color={user.active ? 'teal.9' : 'gray.8'} variant="outline">
                        {user.active ? 'Active' : 'Deactivated'}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <RoleBadges roles={user.roles} />
                    </Table.Td>
                    <Table.Td>
                      {user.teams.length === 0
                        ? '—'
                        : user.teams.map((membership) => `${teamName(membership.teamId)} (${ROLE_LABELS[membership.role].toLowerCase()})`).join(', ')}
                    </Table.Td>
                    {can.isAdmin && (
                      <Table.Td>
                        <Button size="xs" variant="default" onClick={() => setManagingId(user.id)} aria-label={`Manage ${user.displayName}`}>
                          Manage
                        </Button>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>

      <Modal closeButtonProps={{ 'aria-label': 'Close dialog' }} opened={creating} onClose={() => setCreating(false)} title="New user" size="lg">
        {creating && <CreateUserForm onDone={() => setCreating(false)} />}
      </Modal>
      <ManageUser user={users.data?.find((user) => user.id === managingId)} onClose={() => setManagingId(undefined)} />
    </Stack>
  );
}

function RoleBadges({ roles }: { roles: OrgRole[] }) {
  if (roles.length === 0) return <Text size="sm">—</Text>;
  return (
    <Group gap={4}>
      {roles.map((role) => (
        <Badge key={role} variant="light">
          {ROLE_LABELS[role]}
        </Badge>
      ))}
    </Group>
  );
}

function CreateUserForm({ onDone }: { onDone: () => void }) {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [kind, setKind] = useState<'person' | 'service'>('person');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<string[]>([]);
  const [local, setLocal] = useState<Record<string, string>>({});

  const create = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/users', {
          body: {
            email: email.trim(),
            displayName: displayName.trim(),
            kind,
            ...(kind === 'person' ? { password } : {}),
            ...(roles.length ? { roles: roles as OrgRole[] } : {}),
          },
        }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['users'] });
      onDone();
    },
  });
  const server = fieldErrors(create.error);
  const errors = { ...server, ...local };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!EMAIL.test(email.trim())) found.email = 'Enter an email address.';
    if (!displayName.trim()) found.displayName = 'Enter a display name.';
    else if (displayName.trim().length > 200) found.displayName = 'At most 200 characters.';
    if (kind === 'person' && password.length < 12) found.password = 'A person needs a password of 12 characters or more.';
    setLocal(found);
    if (Object.keys(found).length === 0) create.mutate();
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <TextInput label="Email" type="email" required maxLength={320} value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={errors.email} />
        <TextInput
          label="Display name"
          required
          maxLength={200}
          value={displayName}
          onChange={(e) => setDisplayName(e.currentTarget.value)}
          error={errors.displayName}
        />
        <Radio.Group label="Kind" value={kind} onChange={(value) => setKind(value as 'person' | 'service')} error={errors.kind}>
          <Stack gap="xs" mt={4}>
            <Radio value="person" label="Person" description="Signs in with a password" />
            <Radio value="service" label="Service account" description="No password: acts through API keys, for pipelines" />
          </Stack>
        </Radio.Group>
        {kind === 'person' && (
          <PasswordInput
            label="Initial password"
            description="12 characters or more; they change it after signing in"
            required
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={errors.password}
          />
        )}
        <Checkbox.Group label="Organisation roles" description="Optional; grant more later" value={roles} onChange={setRoles} error={errors.roles}>
          <Stack gap={6} mt={6}>
            {ORG_ROLES.map((role) => (
              <Checkbox key={role} value={role} label={ROLE_LABELS[role]} description={ROLE_HELP[role]} />
            ))}
          </Stack>
        </Checkbox.Group>
        <ProblemAlert error={create.error} title="The user was not created" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Create user
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function ManageUser({ user, onClose }: { user: User | undefined; onClose: () => void }) {
  return (
    <Modal closeButtonProps={{ 'aria-label': 'Close dialog' }} opened={user !== undefined} onClose={onClose} title={user ? `Manage ${user.displayName}` : ''} size="lg">
      {user && <ManageUserBody key={user.id} user={user} onClose={onClose} />}
    </Modal>
  );
}

function ManageUserBody({ user, onClose }: { user: User; onClose: () => void }) {
  const me = useMe();
  const queryClient = useQueryClient();
  const isMe = user.id === me.id;
  const changed = () => {
    void queryClient.invalidateQueries({ queryKey: ['users'] });
    void queryClient.invalidateQueries({ queryKey: ['teams'] });
  };

  const [displayName, setDisplayName] = useState(user.displayName);
  const rename = useMutation({
    mutationFn: async () => unwrap(await api.PATCH('/api/users/{id}', { params: { path: { id: user.id } }, body: { displayName: displayName.trim() } })),
    onSuccess: changed,
  });

  // Shown as asked at once, put back if the server refuses, and then as the server answered.
  const [held, setHeld] = useState<OrgRole[]>(user.roles);
  const [pendingRole, setPendingRole] = useState<OrgRole | undefined>();
  const role = useMutation({
    mutationFn: async ({ role, grant }: { role: OrgRole; grant: boolean }) => {
      const params = { params: { path: { id: user.id, role } } };
      return unwrap(grant ? await api.PUT('/api/users/{id}/roles/{role}', params) : await api.DELETE('/api/users/{id}/roles/{role}', params));
    },
    onMutate: ({ role, grant }) => {
      const before = held;
      setPendingRole(role);
      setHeld(grant ? [...held, role] : held.filter((heldRole) => heldRole !== role));
      return { before };
    },
    onError: (_error, _variables, context) => context && setHeld(context.before),
    onSuccess: (updated) => {
      setHeld(updated.roles);
      changed();
    },
    onSettled: () => setPendingRole(undefined),
  });

  const [confirming, setConfirming] = useState(false);
  const deactivate = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/users/{id}/deactivate', { params: { path: { id: user.id } } })),
    onSuccess: () => {
      changed();
      setConfirming(false);
    },
  });

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {user.email} · {user.kind === 'service' ? 'Service account' : 'Person'} · created {formatDate(user.createdAt)}
        {!user.active && ` · deactivated ${formatDate(user.deactivatedAt)}`}
      </Text>

      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (displayName.trim()) rename.mutate();
        }}
      >
        <Group align="flex-end">
          <TextInput
            label="Display name"
            required
            maxLength={200}
            value={displayName}
            onChange={(e) => setDisplayName(e.currentTarget.value)}
            error={fieldErrors(rename.error).displayName ?? (!displayName.trim() ? 'Enter a display name.' : undefined)}
            style={{ flex: 1 }}
          />
          <Button type="submit" variant="default" loading={rename.isPending} disabled={displayName.trim() === user.displayName}>
            Save name
          </Button>
        </Group>
        {rename.isError && <ProblemAlert error={rename.error} title="The name was not changed" />}
      </form>

      <Divider />
      <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
        <Text component="legend" fw={600} size="sm" mb={4}>
          Organisation roles
        </Text>
        <Text size="xs" c="dimmed" mb="xs">
          Each change takes effect on their next request.{isMe && ' You cannot grant yourself a role; another administrator can.'}
        </Text>
        <Stack gap={6}>
          {ORG_ROLES.map((orgRole) => (
            <Checkbox
              key={orgRole}
              label={ROLE_LABELS[orgRole]}
              description={ROLE_HELP[orgRole]}
              checked={held.includes(orgRole)}
              disabled={role.isPending}
              aria-busy={pendingRole === orgRole}
              onChange={(event) => role.mutate({ role: orgRole, grant: event.currentTarget.checked })}
            />
          ))}
        </Stack>
        {role.isError && <ProblemAlert error={role.error} title="The role was not changed" />}
      </fieldset>

      {user.kind === 'service' && (
        <>
          <Divider />
          <Text size="sm">
            A service account acts through API keys:{' '}
            <Anchor component={Link} to={`/api-keys?user=${user.id}`} onClick={onClose} underline="always">
              manage the API keys of {user.displayName}
            </Anchor>
            .
          </Text>
        </>
      )}

      {user.active && (
        <>
          <Divider />
          {!confirming ? (
            <Group justify="space-between">
              <Text size="sm">Deactivating ends their access at once; their records stay.</Text>
              <Button color="red.9" variant="outline" onClick={() => setConfirming(true)}>
                Deactivate
              </Button>
            </Group>
          ) : (
            <Stack gap="xs" role="group" aria-label="Confirm deactivation">
              <Text size="sm" fw={500}>
                Deactivate {user.displayName}? They can no longer sign in, and their API keys stop working on the next request. This cannot be
                undone here.
              </Text>
              {deactivate.isError && <ProblemAlert error={deactivate.error} title="Not deactivated" />}
              <Group justify="flex-end">
                <Button variant="default" onClick={() => setConfirming(false)}>
                  Cancel
                </Button>
                <Button color="red" onClick={() => deactivate.mutate()} loading={deactivate.isPending}>
                  Confirm deactivation
                </Button>
              </Group>
            </Stack>
          )}
        </>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Close
        </Button>
      </Group>
    </Stack>
  );
}
