import { Anchor, Badge, Button, Checkbox, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap, type Schema } from '../../api/client';
import { ProblemAlert } from '../../components/ProblemAlert';
import { QueryState } from '../../components/PageState';
import { formatDateTime } from '../../components/format';
import { NOTIFICATIONS_KEY } from './keys';

type Notification = Schema<'NotificationResponse'>;
type Kind = Notification['kind'];


const EMAIL_STATE: Record<Notification['email']['state'], string> = {
  pending: 'Email waiting to be sent',
  sending: 'Email being sent',
  sent: 'Emailed',
  muted: 'Not emailed: you muted this kind',
  off: 'Not emailed: email is off on this server',
  failed: 'Email failed',
  uncertain: 'Email may not have arrived',
};

/** The link points into this app: keep the navigation inside it. */
function inAppPath(link: string): string {
  try {
    const url = new URL(link, window.location.origin);
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return '/';
  }
}

/**
 * What Gatehouse told me (the same notices it emails), newest first, and which kinds I
 * want by email. Mandatory kinds (my sign-off is needed) cannot be muted.
 */
export default function NotificationsPage() {
  return (
    <Stack gap="xl">
      <div>
        <Title order={1}>Notifications</Title>
        <Text c="dimmed" size="sm" mt={4}>
          What Gatehouse asked of you or told you, newest first. Each is also emailed unless you muted its kind below or email is off on this server.
        </Text>
      </div>
      <NotificationList />
      <Preferences />
    </Stack>
  );
}

function NotificationList() {
  const client = useQueryClient();
  const pages = useInfiniteQuery({
    queryKey: [...NOTIFICATIONS_KEY, 'list'],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) => unwrap(await api.GET('/api/me/notifications', { params: { query: { cursor: pageParam, limit: 25 } } })),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const markRead = useMutation({
    mutationFn: async (id: string) => unwrap(await api.POST('/api/me/notifications/{id}/read', { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: NOTIFICATIONS_KEY }),
  });

  return (
    <section aria-labelledby="notifications-heading">
      <Title order={2} id="notifications-heading" mb="sm">
        Received
      </Title>
      <ProblemAlert error={markRead.error} title="Could not mark it read" />
      <QueryState
        query={pages}
        label="Loading notifications"
        isEmpty={(data) => data.pages[0].items.length === 0}
        empty="Nothing yet. You will be told here (and by email) when your sign-off is needed or a decision is made on your team's use cases."
      >
        {(data) => (
          <Stack gap="sm">
            <Text size="sm">{data.pages[0].unreadCount === 0 ? 'All read.' : `${data.pages[0].unreadCount} unread.`}</Text>
            {data.pages
              .flatMap((page) => page.items)
              .map((notification) => (
                <Paper key={notification.id} withBorder p="md" component="article" aria-label={notification.subject}>
                  <Group justify="space-between" align="flex-start" wrap="nowrap">
                    <Stack gap={4}>
                      <Group gap="xs">
                        {!notification.readAt && (
                          <Badge color="blue" variant="filled" size="sm">
                            Unread
                          </Badge>
                        )}
                        {notification.mandatory && (
                          <Badge color="dark" variant="outline" size="sm">
                            Needs your action
                          </Badge>
                        )}
                        <Text fw={600}>{notification.subject}</Text>
                      </Group>
                      <Text size="sm" style={{ whiteSpace: 'pre-line' }}>
                        {notification.body}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {formatDateTime(notification.createdAt)} · {EMAIL_STATE[notification.email.state]}
                      </Text>
                    </Stack>
                    <Stack gap="xs" align="flex-end">
                      <Anchor component={Link} to={inAppPath(notification.link)} onClick={() => !notification.readAt && markRead.mutate(notification.id)}>
                        Open
                      </Anchor>
                      {!notification.readAt && (
                        <Button size="compact-sm" variant="default" onClick={() => markRead.mutate(notification.id)} aria-label={`Mark read: ${notification.subject}`}>
                          Mark read
                        </Button>
                      )}
                    </Stack>
                  </Group>
                </Paper>
              ))}
            {pages.hasNextPage && (
              <Group>
                <Button variant="default" loading={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
                  Load more
                </Button>
              </Group>
            )}
          </Stack>
        )}
      </QueryState>
    </section>
  );
}

function Preferences() {
  const client = useQueryClient();
  const preferences = useQuery({
    queryKey: [...NOTIFICATIONS_KEY, 'preferences'],
    queryFn: async () => unwrap(await api.GET('/api/me/notification-preferences')),
  });
  const save = useMutation({
    mutationFn: async (muted: Kind[]) => unwrap(await api.PUT('/api/me/notification-preferences', { body: { muted } })),
    onSuccess: (saved) => client.setQueryData([...NOTIFICATIONS_KEY, 'preferences'], saved),
  });

  return (
    <section aria-labelledby="preferences-heading">
      <Title order={2} id="preferences-heading" mb="sm">
        Email me about
      </Title>
      <ProblemAlert error={save.error} title="Your choice was not saved" />
      <QueryState query={preferences} label="Loading your email preferences">
        {(data) => {
          const muted = data.kinds.filter((kind) => kind.muted).map((kind) => kind.kind);
          return (
            <Stack gap="sm">
              {data.kinds.map((kind) => (
                <Checkbox
                  key={kind.kind}
                  label={kind.description}
                  description={kind.mandatory ? 'Always emailed: it asks for your own action.' : undefined}
                  checked={!kind.muted}
                  disabled={kind.mandatory || save.isPending}
                  onChange={(event) => save.mutate(event.currentTarget.checked ? muted.filter((k) => k !== kind.kind) : [...muted, kind.kind])}
                />
              ))}
            </Stack>
          );
        }}
      </QueryState>
    </section>
  );
}
