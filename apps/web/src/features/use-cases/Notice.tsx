import { CloseButton, Group, Paper, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * A boxed notice on white: links and small text inside keep their contrast (a tinted
 * Alert background does not), and the coloured edge only echoes what the title says.
 */
export function Notice({
  title,
  children,
  accent = '#1f4f8f',
  role,
  label,
  onClose,
}: {
  title: string;
  children: ReactNode;
  accent?: string;
  role?: 'status' | 'alertdialog' | 'note';
  label?: string;
  onClose?: () => void;
}) {
  return (
    <Paper withBorder p="sm" maw={900} role={role} aria-label={label ?? (role ? title : undefined)} style={{ borderLeft: `4px solid ${accent}` }}>
      <Stack gap={4}>
        <Group justify="space-between" wrap="nowrap">
          <Text fw={700} size="sm">
            {title}
          </Text>
          {onClose && <CloseButton size="sm" aria-label="Dismiss" onClick={onClose} />}
        </Group>
        {children}
      </Stack>
    </Paper>
  );
}
