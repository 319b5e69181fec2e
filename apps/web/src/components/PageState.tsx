import { Button, Center, Group, Loader, Stack, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ProblemAlert } from './ProblemAlert';

/**
 * Loading, error and empty states in one place, so every screen has all three:
 * `children` renders only with data, and `isEmpty` decides when to show `empty`.
 */
export function QueryState<T>({
  query,
  children,
  isEmpty,
  empty,
  label = 'Loading',
}: {
  query: UseQueryResult<T>;
  children: (data: T) => ReactNode;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  label?: string;
}) {
  if (query.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label={label} />
      </Center>
    );
  }
  if (query.isError) {
    return (
      <Stack>
        <ProblemAlert error={query.error} title="Could not load this" />
        <Group>
          <Button variant="default" onClick={() => void query.refetch()}>
            Try again
          </Button>
        </Group>
      </Stack>
    );
  }
  if (isEmpty?.(query.data)) {
    return (
      <Text c="dimmed" py="lg" data-testid="empty-state">
        {empty ?? 'Nothing here yet.'}
      </Text>
    );
  }
  return <>{children(query.data)}</>;
}
