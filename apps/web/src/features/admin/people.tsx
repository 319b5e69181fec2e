import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { api, unwrap, type Schema } from '../../api/client';
import { ProblemAlert } from '../../components/ProblemAlert';

export type User = Schema<'UserResponse'>;
export type OrgRole = User['roles'][number];
export type TeamRole = Schema<'TeamMemberResponse'>['role'];

/** Organisation-wide roles, in the order the README's table gives them. */
export const ORG_ROLES: readonly OrgRole[] = ['admin', 'legal', 'assessor', 'compliance_officer'];
export const TEAM_ROLES: readonly TeamRole[] = ['developer', 'deployer'];

export const ROLE_LABELS: Record<OrgRole | TeamRole, string> = {
  admin: 'Admin',
  legal: 'Legal',
  assessor: 'Assessor',
  compliance_officer: 'Compliance officer',
  developer: 'Developer',
  deployer: 'Deployer',
};

export const ROLE_HELP: Record<OrgRole, string> = {
  admin: 'manages users, teams, roles, API keys and gate policies',
  legal: 'signs legal sign-offs',
  assessor: 'signs independent assessments',
  compliance_officer: 'reads everything, exports and verifies the trail; changes nothing',
};

/** Everyone (admins and compliance officers may read the list): for names, owners and members. */
export function useUsers(enabled = true) {
  return useQuery({
    queryKey: ['users'],
    queryFn: async () => unwrap(await api.GET('/api/users')),
    enabled,
  });
}

/** A user id as a name, when the list is at hand; the id otherwise. */
export function nameOf(users: User[] | undefined, id: string | null | undefined): string {
  if (!id) return '—';
  if (id === 'system:bootstrap') return 'Gatehouse (shipped default)';
  return users?.find((user) => user.id === id)?.displayName ?? id;
}

/**
 * Asks before an action that cannot be undone from this screen, says what it does,
 * and shows the server's refusal in place.
 */
export function ConfirmModal({
  opened,
  title,
  children,
  confirmLabel,
  onConfirm,
  onClose,
  pending,
  error,
}: {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  pending: boolean;
  error: unknown;
}) {
  return (
    <Modal closeButtonProps={{ 'aria-label': 'Close dialog' }} opened={opened} onClose={onClose} title={title} centered>
      <Stack>
        <Text size="sm" component="div">
          {children}
        </Text>
        {error ? <ProblemAlert error={error} /> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red" onClick={onConfirm} loading={pending}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
