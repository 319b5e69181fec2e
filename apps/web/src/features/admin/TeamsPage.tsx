import { Badge, Button, Card, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap, type Schema } from '../../api/client';
import { fieldErrors } from '../../api/problems';
import { QueryState } from '../../components/PageState';
import { ProblemAlert } from '../../components/ProblemAlert';
import { formatDate } from '../../components/format';
import { useAbilities, useMe } from '../../auth/session';
import { ConfirmModal, ROLE_LABELS, TEAM_ROLES, useUsers, type TeamRole, type User } from './people';

type Team = Schema<'TeamResponse'>;
type Member = Schema<'TeamMemberResponse'>;

/** Teams and their developers and deployers; administrators create teams and change who is on them. */
export default function TeamsPage() {
  const can = useAbilities();
  const teams = useQuery({ queryKey: ['teams'], queryFn: async () => unwrap(await api.GET('/api/teams')) });
  const users = useUsers(can.isAdmin);

  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>Teams</Title>
        <Text c="dimmed" size="sm" mt={4}>
          Developers and deployers are roles in a team: they register and change the team's use cases and sign its gates in those roles.
          Nobody puts themselves on a team; another administrator does.
        </Text>
      </div>
      {can.isAdmin && <CreateTeamForm />}
      <QueryState query={teams} label="Loading teams" isEmpty={(data) => data.length === 0} empty="No teams yet.">
        {(data) => (
          <Stack gap="md">
            {data.map((team) => (
              <TeamCard key={team.id} team={team} users={users.data} canManage={can.isAdmin} />
            ))}
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}

function CreateTeamForm() {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [missing, setMissing] = useState(false);
  const create = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/teams', { body: { name: name.trim() } })),
    onSuccess: () => {
      setName('');
      void queryClient.invalidateQueries({ queryKey: ['teams'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMissing(!name.trim());
    if (name.trim()) create.mutate();
  };
  return (
    <form onSubmit={submit} aria-labelledby="new-team-heading" noValidate>
      <Title order={2} size="h4" id="new-team-heading" mb="xs">
        New team
      </Title>
      <Group align="flex-start">
        <TextInput
          label="Team name"
          required
          maxLength={200}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={missing ? 'Enter a name.' : fieldErrors(create.error).name}
          w={320}
        />
        <Button type="submit" mt={25} loading={create.isPending}>
          Create team
        </Button>
      </Group>
      {create.isError && <ProblemAlert error={create.error} title="The team was not created" />}
    </form>
  );
}

function TeamCard({ team, users, canManage }: { team: Team; users: User[] | undefined; canManage: boolean }) {
  const queryClient = useQueryClient();
  const headingId = `team-${team.id}`;
  const [removing, setRemoving] = useState<Member | undefined>();
  const changed = () => {
    void queryClient.invalidateQueries({ queryKey: ['teams'] });
    void queryClient.invalidateQueries({ queryKey: ['users'] });
  };
  const remove = useMutation({
    mutationFn: async (member: Member) =>
      unwrap(
        await api.DELETE('/api/teams/{id}/members/{userId}/{role}', { params: { path: { id: team.id, userId: member.userId, role: member.role } } }),
      ),
    onSuccess: () => {
      changed();
      setRemoving(undefined);
    },
  });

  return (
    <Card withBorder component="section" aria-labelledby={headingId}>
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h3" id={headingId}>
          {team.name}
        </Title>
        <Text size="xs" c="dimmed">
          created {formatDate(team.createdAt)}
        </Text>
      </Group>
      {team.members.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nobody is on this team yet.
        </Text>
      ) : (
        <Table verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Member</Table.Th>
              <Table.Th scope="col">Role</Table.Th>
              {canManage && <Table.Th scope="col">Actions</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {team.members.map((member) => (
              <Table.Tr key={`${member.userId}:${member.role}`}>
                <Table.Td>{member.displayName}</Table.Td>
                <Table.Td>
                  <Badge variant="light">{ROLE_LABELS[member.role]}</Badge>
                </Table.Td>
                {canManage && (
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="default"
                      onClick={() => {
                        remove.reset();
                        setRemoving(member);
                      }}
                      aria-label={`Remove ${member.displayName} as ${ROLE_LABELS[member.role].toLowerCase()}`}
                    >
                      Remove
                    </Button>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {canManage && <AddMemberForm team={team} users={users} onAdded={changed} />}
      <ConfirmModal
        opened={removing !== undefined}
        title="Remove from the team"
        confirmLabel="Remove member"
        onConfirm={() => removing && remove.mutate(removing)}
        onClose={() => setRemoving(undefined)}
        pending={remove.isPending}
        error={remove.error}
      >
        {removing && (
          <>
            Remove {removing.displayName} as {ROLE_LABELS[removing.role].toLowerCase()} of {team.name}? They stop working on its use cases and
            signing its gates in that role from their next request; what they did stays on the record.
          </>
        )}
      </ConfirmModal>
    </Card>
  );
}

function AddMemberForm({ team, users, onAdded }: { team: Team; users: User[] | undefined; onAdded: () => void }) {
  const me = useMe();
  const [userId, setUserId] = useState<string | null>(null);
  const [role, setRole] = useState<TeamRole>('developer');
  const [missing, setMissing] = useState(false);
  const add = useMutation({
    mutationFn: async () =>
      unwrap(await api.PUT('/api/teams/{id}/members/{userId}/{role}', { params: { path: { id: team.id, userId: userId!, role } } })),
    onSuccess: () => {
      setUserId(null);
      onAdded();
    },
  });
  const people = (users ?? [])
    .filter((user) => user.active)
    .map((user) => ({
      value: user.id,
      label: `${user.displayName} (${user.email})${user.id === me.id ? ' — you' : ''}`,
    }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMissing(!userId);
    if (userId) add.mutate();
  };

  return (
    <form onSubmit={submit} aria-label={`Add a member to ${team.name}`} noValidate>
      <Group align="flex-start" mt="md">
        <Select
          label="Person"
          placeholder="Search by name or email"
          data={people}
          value={userId}
          onChange={(value) => {
            setUserId(value);
            add.reset();
          }}
          searchable
          nothingFoundMessage="Nobody by that name"
          error={missing ? 'Choose a person.' : undefined}
          w={340}
        />
        <Select
          label="Team role"
          data={TEAM_ROLES.map((value) => ({ value, label: ROLE_LABELS[value] }))}
          value={role}
          onChange={(value) => value && setRole(value as TeamRole)}
          allowDeselect={false}
          w={160}
        />
        <Button type="submit" mt={25} loading={add.isPending}>
          Add member
        </Button>
      </Group>
      {add.isError && <ProblemAlert error={add.error} title="Not added to the team" />}
    </form>
  );
}
