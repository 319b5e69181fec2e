import { List, Stack, Table, Text, Title } from '@mantine/core';
import { formatDateTime, formatDay } from '../../components/format';
import { DecisionBadge, WordBadge } from './badges';
import { approvalsWord, ROLE_LABELS, type Review, type SignOff } from './labels';
import type { People } from './queries';

/**
 * Every slot the gate asks for: its role and quorum, each person's decision in it
 * that stands (who, how, comment, conditions, when, and whether it counts), and
 * how many approvals it still misses.
 */
export function SlotsTable({ review, people }: { review: Review; people: People }) {
  const standing = review.signOffs.filter((signOff) => !signOff.superseded);
  const missing = new Map(review.missing.map((slot) => [slot.role, slot.quorum]));
  return (
    <Table.ScrollContainer minWidth={960}>
      <Table verticalSpacing="sm" withTableBorder aria-label="Sign-off slots">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Role</Table.Th>
            <Table.Th scope="col">Required</Table.Th>
            <Table.Th scope="col">Signed by</Table.Th>
            <Table.Th scope="col">Decision</Table.Th>
            <Table.Th scope="col">Comment</Table.Th>
            <Table.Th scope="col">Conditions</Table.Th>
            <Table.Th scope="col">When</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {review.slots.flatMap((slot) => {
            const decisions = standing.filter((signOff) => signOff.role === slot.role);
            const stillMissing = missing.get(slot.role) ?? 0;
            const roleCell = (
              <Table.Th scope="row" style={{ verticalAlign: 'top' }}>
                {ROLE_LABELS[slot.role]}
              </Table.Th>
            );
            const rows = decisions.map((signOff) => (
              <Table.Tr key={signOff.id} data-slot-role={slot.role} data-signer-id={signOff.signerId}>
                {roleCell}
                <Table.Td style={{ verticalAlign: 'top' }}>{slot.quorum}</Table.Td>
                <DecisionCells signOff={signOff} people={people} />
              </Table.Tr>
            ));
            if (stillMissing > 0 && review.status === 'open') {
              rows.push(
                <Table.Tr key={`${slot.role}-missing`} data-slot-role={slot.role} data-missing={stillMissing}>
                  {roleCell}
                  <Table.Td>{slot.quorum}</Table.Td>
                  <Table.Td colSpan={5}>
                    <WordBadge tone="warn">{`Still missing: ${approvalsWord(slot.role, stillMissing)}`}</WordBadge>
                  </Table.Td>
                </Table.Tr>,
              );
            } else if (!decisions.length) {
              rows.push(
                <Table.Tr key={`${slot.role}-none`} data-slot-role={slot.role}>
                  {roleCell}
                  <Table.Td>{slot.quorum}</Table.Td>
                  <Table.Td colSpan={5}>
                    <Text size="sm" c="dimmed">
                      Nobody signed in this role.
                    </Text>
                  </Table.Td>
                </Table.Tr>,
              );
            }
            return rows;
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function DecisionCells({ signOff, people }: { signOff: SignOff; people: People }) {
  return (
    <>
      <Table.Td style={{ verticalAlign: 'top' }}>{people.personName(signOff.signerId)}</Table.Td>
      <Table.Td style={{ verticalAlign: 'top' }}>
        <Stack gap={4} align="flex-start">
          <DecisionBadge decision={signOff.decision} />
          {signOff.stale && <WordBadge tone="warn">{`Stale: given on revision ${signOff.revision}, does not count`}</WordBadge>}
        </Stack>
      </Table.Td>
      <Table.Td style={{ verticalAlign: 'top' }}>
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {signOff.comment}
        </Text>
      </Table.Td>
      <Table.Td style={{ verticalAlign: 'top' }}>
        <Conditions signOff={signOff} people={people} />
      </Table.Td>
      <Table.Td style={{ verticalAlign: 'top' }}>
        <time dateTime={signOff.createdAt} title={signOff.createdAt}>
          {formatDateTime(signOff.createdAt)}
        </time>
      </Table.Td>
    </>
  );
}

export function Conditions({ signOff, people }: { signOff: SignOff; people: People }) {
  if (!signOff.conditions.length) {
    return (
      <Text size="sm" c="dimmed">
        None
      </Text>
    );
  }
  return (
    <List size="sm" spacing={4}>
      {signOff.conditions.map((condition, index) => (
        <List.Item key={index}>
          {condition.description}
          {(condition.ownerId || condition.dueDate) && (
            <Text span size="xs" c="dimmed">
              {' '}
              ({[condition.ownerId ? `owner: ${people.personName(condition.ownerId)}` : '', condition.dueDate ? `due ${formatDay(condition.dueDate)}` : '']
                .filter(Boolean)
                .join(', ')}
              )
            </Text>
          )}
        </List.Item>
      ))}
    </List>
  );
}

/** What the review still lacks: approvals by role, and what the content must gain before the gate can pass. */
export function StillNeeded({ review }: { review: Review }) {
  if (review.status !== 'open') return null;
  const nothing = !review.missing.length && !review.unmetRequirements.length;
  return (
    <Stack gap={4} data-testid="still-needed">
      <Title order={3}>Still needed</Title>
      {nothing ? (
        <Text size="sm">Nothing: every quorum is met and nothing the tier asks for is missing.</Text>
      ) : (
        <List size="sm" spacing={4}>
          {review.missing.map((slot) => (
            <List.Item key={slot.role}>{approvalsWord(slot.role, slot.quorum)}</List.Item>
          ))}
          {review.unmetRequirements.map((gap) => (
            <List.Item key={`${gap.field}:${gap.detail}`}>{gap.detail}</List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}
