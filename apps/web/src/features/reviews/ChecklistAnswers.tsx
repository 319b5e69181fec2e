import { Table, Text } from '@mantine/core';
import { QueryState } from '../../components/PageState';
import { WordBadge } from './badges';
import { CHECKLIST_ANSWER_LABELS, GATE_LABELS, TIER_LABELS, type Review, type UseCaseContent } from './labels';
import { useGatePolicy } from './queries';

/**
 * The checklist items the review's gate asks for at its tier, under the policy
 * version it is pinned to, with the team's answers at the pinned revision.
 */
export function ChecklistAnswers({ review, content }: { review: Review; content: UseCaseContent }) {
  const policy = useGatePolicy(review.policyVersion);
  return (
    <QueryState query={policy} label="Loading the gate policy">
      {(data) => {
        const items = data.document.gates[review.gate][review.tier].checklist;
        if (!items.length) {
          return (
            <Text size="sm">
              Gate policy version {review.policyVersion} asks for no checklist answers at {GATE_LABELS[review.gate].toLowerCase()} for{' '}
              {TIER_LABELS[review.tier].toLowerCase()}.
            </Text>
          );
        }
        return (
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing="sm" striped aria-label="Checklist answers for this gate">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Item</Table.Th>
                  <Table.Th scope="col">Answer</Table.Th>
                  <Table.Th scope="col">Note</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((itemId) => {
                  const item = data.document.checklistItems[itemId];
                  const answer = content.checklist[itemId];
                  return (
                    <Table.Tr key={itemId}>
                      <Table.Td style={{ verticalAlign: 'top' }}>
                        <Text size="sm">{item?.text ?? itemId}</Text>
                        <Text size="xs" c="dimmed">
                          {itemId}
                          {item?.guide ? ` · ${item.guide}` : ''}
                        </Text>
                      </Table.Td>
                      <Table.Td style={{ verticalAlign: 'top' }}>
                        {answer ? (
                          <WordBadge tone={answer.answer === 'no' ? 'bad' : answer.answer === 'yes' ? 'good' : 'neutral'}>{CHECKLIST_ANSWER_LABELS[answer.answer]}</WordBadge>
                        ) : (
                          <WordBadge tone="warn">Not answered</WordBadge>
                        )}
                      </Table.Td>
                      <Table.Td style={{ verticalAlign: 'top' }}>
                        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                          {answer?.note || '—'}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        );
      }}
    </QueryState>
  );
}
