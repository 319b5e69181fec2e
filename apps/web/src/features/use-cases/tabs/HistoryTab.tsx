import { Code, Group, NativeSelect, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api, unwrap, type Schema } from '../../../api/client';
import { formatDateTime } from '../../../components/format';
import { QueryState } from '../../../components/PageState';
import { WordBadge } from '../badges';
import { fieldLabel } from '../labels';
import { keys, useDirectory } from '../queries';
import type { TabProps } from './types';

type Change = Schema<'ContentChangeResponse'>;

/** Every revision, and what changed between any two, field by field; the pair is in the address so a diff can be sent. */
export function HistoryTab({ useCase }: TabProps) {
  const directory = useDirectory();
  const [params, setParams] = useSearchParams();
  const revisions = useQuery({
    queryKey: [...keys.revisions(useCase.id), useCase.revision],
    queryFn: async () => unwrap(await api.GET('/api/use-cases/{id}/revisions', { params: { path: { id: useCase.id } } })),
  });
  const latest = useCase.revision;
  const clamp = (value: string | null, fallback: number) => {
    const number = Number(value);
    return Number.isInteger(number) && number >= 1 && number <= latest ? number : fallback;
  };
  const to = clamp(params.get('to'), latest);
  const from = clamp(params.get('from'), Math.max(1, to - 1));
  const choose = (name: 'from' | 'to', value: string) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.set('from', String(from));
        next.set('to', String(to));
        next.set(name, value);
        return next;
      },
      { replace: true },
    );

  return (
    <Stack gap="md">
      <Title order={2}>History</Title>
      <QueryState query={revisions} label="Loading revisions" isEmpty={(items) => items.length === 0} empty="No revisions.">
        {(items) => {
          const options = items.map((revision) => ({ value: String(revision.revision), label: `Revision ${revision.revision}: ${revision.summary}` }));
          return (
            <Stack gap="lg">
              <Table.ScrollContainer minWidth={760}>
                <Table striped>
                  <Table.Caption>Every change writes a revision with the SHA-256 of its content</Table.Caption>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Revision</Table.Th>
                      <Table.Th scope="col">What happened</Table.Th>
                      <Table.Th scope="col">Fields changed</Table.Th>
                      <Table.Th scope="col">By</Table.Th>
                      <Table.Th scope="col">When</Table.Th>
                      <Table.Th scope="col">Content hash</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {[...items].reverse().map((revision) => (
                      <Table.Tr key={revision.revision}>
                        <Table.Td>{revision.revision}</Table.Td>
                        <Table.Td>{revision.summary}</Table.Td>
                        <Table.Td>{revision.changedFields.map(fieldLabel).join(', ') || '—'}</Table.Td>
                        <Table.Td>{directory.personName(revision.authorId)}</Table.Td>
                        <Table.Td>{formatDateTime(revision.createdAt)}</Table.Td>
                        <Table.Td>
                          <Code title={revision.contentHash}>{revision.contentHash.slice(0, 12)}…</Code>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>

              <Stack gap="sm" component="section" aria-label="Compare revisions">
                <Title order={3}>Compare two revisions</Title>
                <Group align="flex-end">
                  <NativeSelect label="From revision" value={String(from)} onChange={(event) => choose('from', event.currentTarget.value)} data={options} maw={380} />
                  <NativeSelect label="To revision" value={String(to)} onChange={(event) => choose('to', event.currentTarget.value)} data={options} maw={380} />
                </Group>
                {from === to ? <Text size="sm">Choose two different revisions to see what changed.</Text> : <Diff useCaseId={useCase.id} from={from} to={to} />}
              </Stack>
            </Stack>
          );
        }}
      </QueryState>
    </Stack>
  );
}

function Diff({ useCaseId, from, to }: { useCaseId: string; from: number; to: number }) {
  const diff = useQuery({
    queryKey: keys.diff(useCaseId, from, to),
    queryFn: async () => unwrap(await api.GET('/api/use-cases/{id}/revisions/{from}/diff/{to}', { params: { path: { id: useCaseId, from, to } } })),
    staleTime: Infinity,
  });
  return (
    <QueryState query={diff} label="Loading the differences" isEmpty={(data) => data.changes.length === 0} empty="The two revisions hold the same content.">
      {(data) => (
        <Table.ScrollContainer minWidth={760}>
          <Table withTableBorder withColumnBorders verticalSpacing="xs">
            <Table.Caption>
              {data.changes.length} change{data.changes.length === 1 ? '' : 's'} from revision {data.from} ({data.fromHash.slice(0, 12)}…) to revision {data.to} ({data.toHash.slice(0, 12)}…)
            </Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Field</Table.Th>
                <Table.Th scope="col">Change</Table.Th>
                <Table.Th scope="col">Before</Table.Th>
                <Table.Th scope="col">After</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.changes.map((change, index) => (
                <Table.Tr key={`${change.path}:${index}`}>
                  <Table.Td>
                    <Text size="sm">{pathInWords(change.path)}</Text>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {change.path}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <WordBadge tone={change.type === 'added' ? 'good' : change.type === 'removed' ? 'bad' : 'warn'}>{change.type === 'added' ? 'Added' : change.type === 'removed' ? 'Removed' : 'Changed'}</WordBadge>
                  </Table.Td>
                  <Table.Td>
                    <Value change={change} side="before" />
                  </Table.Td>
                  <Table.Td>
                    <Value change={change} side="after" />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </QueryState>
  );
}

/** risks.0.severity → "Risks › #1 › severity"; checklist item ids keep their dots (checklist.design.assess_risks → "Checklist › design.assess_risks"). */
function pathInWords(path: string): string {
  const [head, ...rest] = path.split('.');
  if (head === 'checklist' && rest.length) return `${fieldLabel(head)} › ${rest.join('.')}`;
  return [fieldLabel(head), ...rest.map((part) => (/^\d+$/.test(part) ? `#${Number(part) + 1}` : part))].join(' › ');
}

function Value({ change, side }: { change: Change; side: 'before' | 'after' }) {
  if (!(side in change)) return <Text size="sm">—</Text>;
  const value = change[side];
  if (typeof value === 'string') return <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>{value}</Text>;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return <Text size="sm">{String(value)}</Text>;
  // Wrapped, never scrolled: a scrolling box would need its own keyboard focus.
  return (
    <Text component="pre" size="xs" ff="monospace" m={0} maw={420} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
      {JSON.stringify(value, null, 2)}
    </Text>
  );
}
