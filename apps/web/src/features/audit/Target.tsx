import { Anchor, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { Schema } from '../../api/client';

/** What an event is about; a use case links to its page. */
export function Target({ event }: { event: Schema<'AuditEventResponse'> }) {
  const { type, id } = event.target;
  if (type === 'use_case') {
    return (
      <Text size="sm" component="div">
        use case{' '}
        <Anchor component={Link} to={`/use-cases/${id}`} size="sm" ff="monospace" underline="always">
          {id}
        </Anchor>
      </Text>
    );
  }
  return (
    <Text size="sm" component="div">
      {type.replace(/_/g, ' ')}{' '}
      <Text span ff="monospace" size="sm" style={{ wordBreak: 'break-all' }}>
        {id}
      </Text>
      {event.useCaseId && (
        <Text size="xs" c="dimmed">
          of use case{' '}
          <Anchor component={Link} to={`/use-cases/${event.useCaseId}`} size="xs" ff="monospace" underline="always">
            {event.useCaseId}
          </Anchor>
        </Text>
      )}
    </Text>
  );
}
