import { Box, List, Text } from '@mantine/core';
import { keyLabel, orderedEntries, valueLabel } from './labels';

/**
 * Any JSON value of a use case's content, readable: text keeps its line breaks,
 * lists are lists, objects are labelled pairs. Used for fields the page has no
 * special view for, and for the before and after of a diff.
 */
export function ValueView({ value, name }: { value: unknown; name?: string }) {
  if (value === null || value === undefined || value === '') {
    return (
      <Text span size="sm" c="dimmed">
        (empty)
      </Text>
    );
  }
  if (typeof value === 'string') {
    return (
      <Text span size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
        {valueLabel(name, value)}
      </Text>
    );
  }
  if (typeof value === 'boolean') return <Text span size="sm">{value ? 'Yes' : 'No'}</Text>;
  if (typeof value === 'number') return <Text span size="sm">{String(value)}</Text>;
  if (Array.isArray(value)) {
    if (!value.length) {
      return (
        <Text span size="sm" c="dimmed">
          (none)
        </Text>
      );
    }
    return (
      <List size="sm" spacing={4}>
        {value.map((item, index) => (
          <List.Item key={index}>
            <ValueView value={item} name={name} />
          </List.Item>
        ))}
      </List>
    );
  }
  if (typeof value === 'object') {
    const entries = orderedEntries(value as Record<string, unknown>);
    if (!entries.length) {
      return (
        <Text span size="sm" c="dimmed">
          (empty)
        </Text>
      );
    }
    return (
      <Box component="dl" m={0} style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 12, rowGap: 4 }}>
        {entries.map(([key, item]) => (
          <Pair key={key} name={key} value={item} />
        ))}
      </Box>
    );
  }
  return <Text span size="sm">{String(value)}</Text>;
}

function Pair({ name, value }: { name: string; value: unknown }) {
  return (
    <>
      <Box component="dt" fw={600} fz="sm">
        {keyLabel(name)}
      </Box>
      <Box component="dd" m={0}>
        <ValueView value={value} name={name} />
      </Box>
    </>
  );
}
