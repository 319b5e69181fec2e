import { Table, Text } from '@mantine/core';
import { formatDateTime } from '../../components/format';
import { DecisionBadge, WordBadge } from './badges';
import { ROLE_LABELS, type Review } from './labels';
import type { People } from './queries';
import { Conditions } from './SlotsTable';

/** Every decision on the review, oldest first, including those a later decision superseded or a change made stale. */
export function SignOffHistory({ review, people }: { review: Review; people: People }) {
  if (!review.signOffs.length) return <Text size="sm">No decisions yet.</Text>;
  return (
    <Table.ScrollContainer minWidth={960}>
      <Table verticalSpacing="sm" striped aria-label="Decision history">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">When</Table.Th>
            <Table.Th scope="col">Who</Table.Th>
            <Table.Th scope="col">Role</Table.Th>
            <Table.Th scope="col">Decision</Table.Th>
            <Table.Th scope="col">Revision</Table.Th>
            <Table.Th scope="col">Comment</Table.Th>
            <Table.Th scope="col">Conditions</Table.Th>
            <Table.Th scope="col">Counts?</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {review.signOffs.map((signOff) => (
            <Table.Tr key={signOff.id}>
              <Table.Td style={{ verticalAlign: 'top' }}>
                <time dateTime={signOff.createdAt} title={signOff.createdAt}>
                  {formatDateTime(signOff.createdAt)}
                </time>
              </Table.Td>
              <Table.Td style={{ verticalAlign: 'top' }}>{people.personName(signOff.signerId)}</Table.Td>
              <Table.Td style={{ verticalAlign: 'top' }}>{ROLE_LABELS[signOff.role]}</Table.Td>
              <Table.Td style={{ verticalAlign: 'top' }}>
                <DecisionBadge decision={signOff.decision} />
              </Table.Td>
              <Table.Td style={{ verticalAlign: 'top' }}>{signOff.revision}</Table.Td>
              <Table.Td style={{ verticalAlign: 'top' }}>
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {signOff.comment}
                </Text>
              </Table.Td>
              <Table.Td style={{ verticalAlign: 'top' }}>
                <Conditions signOff={signOff} people={people} />
              </Table.Td>
              <Table.Td style={{ verticalAlign: 'top' }}>
                {signOff.superseded ? (
                  <WordBadge>Superseded by a later decision</WordBadge>
                ) : signOff.stale ? (
                  <WordBadge tone="warn">Stale: on other content</WordBadge>
                ) : (
                  <WordBadge tone="good">Stands</WordBadge>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
