import { Anchor, List, Paper, Stack, Text, Title } from '@mantine/core';
import { useId } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../../api/client';
import { problemCode } from '../../../api/problems';
import { evidenceKindLabel, ROLE_LABELS, type Gate } from '../labels';
import type { GateRequirements } from '../queries';

interface Todo {
  text: string;
  to?: string;
  linkText?: string;
}

/** The gaps of a 422 from opening a review (RequirementGapResponse: field + detail), as things to do, each linked to the section that fixes it. */
export function todosOf(error: unknown, useCaseId: string, gate: Gate, checklistText: (id: string) => string | undefined): Todo[] | undefined {
  if (!(error instanceof ApiError) || error.status !== 422 || problemCode(error) !== 'validation-failed') return undefined;
  const base = `/use-cases/${useCaseId}`;
  return (error.problem.errors ?? []).map(({ field, detail }): Todo => {
    switch (field) {
      case 'evidence': {
        const kind = detail.replace(/^missing evidence:\s*/, '');
        return { text: `Attach evidence of the kind “${evidenceKindLabel(kind)}”`, to: `${base}/evidence`, linkText: 'Go to evidence' };
      }
      case 'checklist': {
        const id = detail.replace(/^unanswered checklist item:\s*/, '');
        const text = checklistText(id);
        return { text: `Answer the checklist item “${text ?? id}”`, to: `${base}/checklist?gate=${gate}`, linkText: 'Go to the checklist' };
      }
      case 'impactAssessment':
        return { text: `Impact assessment: ${sentence(detail.replace(/^impact assessment:\s*/i, ''))}`, to: `${base}/impact-assessment`, linkText: 'Go to the impact assessment' };
      case 'risks': {
        const described = /\("(.*)"\)\s*$/.exec(detail)?.[1];
        return {
          text: described ? `Have the risk “${described}” accepted by legal or an assessor with the authority for its severity` : `Risks: ${sentence(detail)}`,
          to: `${base}/risks`,
          linkText: 'Go to the risks',
        };
      }
      case 'reason':
        return { text: `Give a reason: ${sentence(detail)}` };
      default:
        return { text: `${field === 'gate' ? 'Gate' : field}: ${sentence(detail)}` };
    }
  });
}

/** A server detail as the end of a sentence: no trailing full stop (the list adds none). */
function sentence(detail: string): string {
  return detail.trim().replace(/\.+$/, '');
}

/** "What the gate still needs": the to-do list a refused opening leaves, plus the sign-offs the review will then ask for. */
export function GateTodoList({ todos, requirements }: { todos: Todo[]; requirements?: GateRequirements }) {
  const headingId = useId();
  return (
    <Paper withBorder p="md" maw={900} component="section" aria-labelledby={headingId}>
      <Stack gap="xs">
        <Title order={4} id={headingId}>
          What the gate still needs
        </Title>
        <Text size="sm">The review could not open yet. Do these first, then open it again:</Text>
        <List size="sm" spacing={6} data-testid="gate-todo">
          {todos.map((todo, index) => (
            <List.Item key={index}>
              {todo.text}
              {todo.to && (
                <>
                  {' — '}
                  <Anchor component={Link} to={todo.to} size="sm">
                    {todo.linkText}
                  </Anchor>
                </>
              )}
            </List.Item>
          ))}
        </List>
        {requirements && requirements.signOffs.length > 0 && (
          <Text size="sm" c="dimmed">
            Once it is open, the review needs sign-offs from:{' '}
            {requirements.signOffs.map((slot) => `${slot.quorum > 1 ? `${slot.quorum} × ` : ''}${ROLE_LABELS[slot.role]}`).join(', ')}.
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
