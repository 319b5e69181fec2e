import { Table, Text } from '@mantine/core';
import type { Schema } from '../../api/client';
import { QueryState } from '../../components/PageState';
import { WordBadge } from './badges';
import { fieldLabel, keyLabel } from './labels';
import { useDiff } from './queries';
import { ValueView } from './ValueView';

type Change = Schema<'ContentChangeResponse'>;

/**
 * What changed between the last approved revision and the one under review,
 * field by field, with the value before and after. `from` undefined: there is no
 * earlier approved revision, and the page says so.
 */
export function RevisionDiff({ useCaseId, from, to }: { useCaseId: string; from: number | undefined; to: number }) {
  if (from === undefined) {
    return (
      <Text size="sm" data-testid="no-approved-revision">
        There is no earlier approved revision of this use case: no gate has passed before this review, so everything at revision {to} is new to
        reviewers.
      </Text>
    );
  }
  if (from === to) {
    return <Text size="sm">Revision {to} is the revision last approved: nothing changed since.</Text>;
  }
  return <DiffTable useCaseId={useCaseId} from={from} to={to} />;
}

function DiffTable({ useCaseId, from, to }: { useCaseId: string; from: number; to: number }) {
  const diff = useDiff(useCaseId, from, to);
  return (
    <QueryState query={diff} label="Loading the changes" isEmpty={(data) => data.changes.length === 0} empty={`No content changed between revision ${from} and revision ${to}.`}>
      {(data) => (
        <>
          <Text size="sm" mb="xs">
            From revision {data.from} (last approved) to revision {data.to} (under review): {data.changes.length} change{data.changes.length === 1 ? '' : 's'}.
          </Text>
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="sm" striped aria-label={`Changes from revision ${data.from} to revision ${data.to}`}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Field</Table.Th>
                  <Table.Th scope="col">Change</Table.Th>
                  <Table.Th scope="col">Before</Table.Th>
                  <Table.Th scope="col">After</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.changes.map((change) => (
                  <ChangeRow key={`${change.type}:${change.path}`} change={change} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </QueryState>
  );
}

function ChangeRow({ change }: { change: Change }) {
  return (
    <Table.Tr>
      <Table.Td style={{ verticalAlign: 'top' }}>
        <Text size="sm" fw={600}>
          {pathLabel(change.path)}
        </Text>
      </Table.Td>
      <Table.Td style={{ verticalAlign: 'top' }}>
        <WordBadge tone={change.type === 'removed' ? 'bad' : change.type === 'added' ? 'good' : 'warn'}>
          {change.type === 'added' ? 'Added' : change.type === 'removed' ? 'Removed' : 'Changed'}
        </WordBadge>
      </Table.Td>
      <Table.Td style={{ verticalAlign: 'top' }}>{change.type === 'added' ? <Text size="sm" c="dimmed">(not there)</Text> : <ValueView value={change.before} name={lastKey(change.path)} />}</Table.Td>
      <Table.Td style={{ verticalAlign: 'top' }}>{change.type === 'removed' ? <Text size="sm" c="dimmed">(removed)</Text> : <ValueView value={change.after} name={lastKey(change.path)} />}</Table.Td>
    </Table.Tr>
  );
}

/**
 * `risks.0.severity` → "Risks › 1 › Severity". Checklist item ids hold dots
 * themselves (`design.assess_risks`), so a checklist path keeps its item id whole.
 */
export function pathLabel(path: string): string {
  const [field, ...rest] = path.split('.');
  if (!rest.length) return fieldLabel(field);
  if (field === 'checklist') {
    const tail = rest.at(-1);
    const item = tail === 'answer' || tail === 'note' ? rest.slice(0, -1).join('.') : rest.join('.');
    return [fieldLabel(field), item, ...(item === rest.join('.') ? [] : [keyLabel(tail!)])].join(' › ');
  }
  return [fieldLabel(field), ...rest.map((segment) => (/^\d+$/.test(segment) ? String(Number(segment) + 1) : keyLabel(segment)))].join(' › ');
}

/** The key a changed value sits under (`risks.0.category` → `category`), so enum values show in words. */
function lastKey(path: string): string | undefined {
  const segments = path.split('.');
  const last = segments.at(-1);
  return last && !/^\d+$/.test(last) ? last : undefined;
}
