import { AppShell, Burger, Button, Group, NavLink, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Suspense } from 'react';
import { useQuery } from '@tanstack/react-query';
import { NavLink as RouterNavLink, Outlet, useLocation } from 'react-router';
import { api, unwrap } from '../api/client';
import { NOTIFICATIONS_KEY } from '../features/notifications/keys';
import { useAbilities, useMe, useSession } from '../auth/session';
import { PageLoader } from './PageLoader';

interface Destination {
  to: string;
  label: string;
  shown: boolean;
}

/** The frame of every signed-in screen: who is signed in, where they can go, sign-out. */
export function Layout() {
  const me = useMe();
  const can = useAbilities();
  const { signOut } = useSession();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const unread = useQuery({
    queryKey: [...NOTIFICATIONS_KEY, 'unread'],
    queryFn: async () => unwrap(await api.GET('/api/me/notifications', { params: { query: { limit: 1 } } })).unreadCount,
    refetchInterval: 60_000,
  });
  const unreadCount = unread.data ?? 0;

  const destinations: Destination[] = [
    { to: '/inbox', label: 'Waiting for me', shown: can.signs },
    { to: '/use-cases', label: 'Use cases', shown: true },
    { to: '/audit', label: 'Audit trail', shown: can.audits },
    { to: '/compliance', label: 'Compliance', shown: can.audits },
    { to: '/admin/users', label: 'Users', shown: can.isAdmin },
    { to: '/admin/teams', label: 'Teams', shown: can.isAdmin },
    { to: '/admin/gate-policies', label: 'Gate policies', shown: true },
    { to: '/admin/webhooks', label: 'Webhooks', shown: can.isAdmin },
    { to: '/notifications', label: unreadCount ? `Notifications (${unreadCount} unread)` : 'Notifications', shown: true },
    { to: '/api-keys', label: 'API keys', shown: true },
  ];

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group>
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Text fw={700} size="lg" component={RouterNavLink} to="/">
              Gatehouse
            </Text>
          </Group>
          <Group gap="sm">
            <Text size="sm" data-testid="signed-in-as">
              {me.displayName}
              <Text span c="dimmed" size="xs" ml={6}>
                {[...me.effectiveRoles, ...new Set(me.teams.map((team) => team.role))].join(', ') || 'no roles'}
              </Text>
            </Text>
            <Button variant="default" size="xs" onClick={() => void signOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Main">
        <Stack gap={2}>
          {destinations
            .filter((destination) => destination.shown)
            .map((destination) => (
              <NavLink
                key={destination.to}
                component={RouterNavLink}
                to={destination.to}
                label={destination.label}
                active={location.pathname === destination.to || location.pathname.startsWith(`${destination.to}/`)}
                onClick={close}
              />
            ))}
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main>
        <Suspense fallback={<PageLoader />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
