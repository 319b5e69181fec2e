import { Button, Group, NativeSelect, Paper, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../../../api/client';
import { fieldErrors } from '../../../api/problems';
import { formatDateTime } from '../../../components/format';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { WordBadge } from '../badges';
import { ROLE_LABELS, type UseCaseDetail } from '../labels';
import { keys, useDirectory, useOutsideDeciderRoles, useRefreshUseCase } from '../queries';
import type { ImpactAssessment } from './assessment';

/** The decisions taken on the assessment, its revisions, and the decision form for legal or an assessor outside the team. */
export function Decisions({ useCase, assessment }: { useCase: UseCaseDetail; assessment: ImpactAssessment }) {
  const directory = useDirectory();
  const roles = useOutsideDeciderRoles(useCase);
  return (
    <Stack gap="sm">
      <Title order={3}>Decisions</Title>
      {assessment.decisions.length === 0 ? (
        <Text size="sm" c="dimmed">
          No decision yet.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={700}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Revision</Table.Th>
                <Table.Th scope="col">Decision</Table.Th>
                <Table.Th scope="col">By</Table.Th>
                <Table.Th scope="col">Comment</Table.Th>
                <Table.Th scope="col">When</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {assessment.decisions.map((decision) => (
                <Table.Tr key={decision.id}>
                  <Table.Td>{decision.revision}</Table.Td>
                  <Table.Td>
                    <WordBadge tone={decision.decision === 'approve' ? 'good' : 'warn'}>{decision.decision === 'approve' ? 'Approved' : 'Changes requested'}</WordBadge>
                  </Table.Td>
                  <Table.Td>
                    {directory.personName(decision.decidedBy)} ({ROLE_LABELS[decision.role]})
                  </Table.Td>
                  <Table.Td>{decision.comment}</Table.Td>
                  <Table.Td>{formatDateTime(decision.decidedAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {assessment.status === 'submitted' && roles.length > 0 && <DecisionForm useCaseId={useCase.id} revision={assessment.revision} roles={roles} />}
      {assessment.revisions.length > 0 && (
        <Text size="xs" c="dimmed">
          Revisions: {assessment.revisions.map((revision) => `${revision.revision} (${formatDateTime(revision.createdAt)} by ${directory.personName(revision.authorId)})`).join('; ')}
        </Text>
      )}
    </Stack>
  );
}

/** Legal or an assessor outside the team approves the submitted revision or sends it back. */
function DecisionForm({ useCaseId, revision, roles }: { useCaseId: string; revision: number; roles: ('legal' | 'assessor')[] }) {
  const [role, setRole] = useState(roles[0]);
  const [decision, setDecision] = useState<'approve' | 'request_changes'>('approve');
  const [comment, setComment] = useState('');
  const [attempted, setAttempted] = useState(false);
  const client = useQueryClient();
  const refresh = useRefreshUseCase(useCaseId);
  const decide = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/api/use-cases/{id}/impact-assessment/decisions', { params: { path: { id: useCaseId } }, body: { revision, role, decision, comment: comment.trim() } })),
    onSuccess: async (decided) => {
      client.setQueryData(keys.assessment(useCaseId), decided);
      await refresh();
    },
  });
  const errors: Record<string, string> = { ...(attempted && !comment.trim() ? { comment: 'A decision needs a comment' } : {}), ...fieldErrors(decide.error) };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (comment.trim()) decide.mutate();
  };
  return (
    <Paper withBorder p="md" maw={820} component="section" aria-label="Decide on the impact assessment">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={4}>Decide on revision {revision}</Title>
          <Group grow>
            <NativeSelect label="Decide as" value={role} onChange={(event) => setRole(event.currentTarget.value as 'legal' | 'assessor')} data={roles.map((value) => ({ value, label: ROLE_LABELS[value] }))} error={errors.role} />
            <NativeSelect
              label="Decision"
              value={decision}
              onChange={(event) => setDecision(event.currentTarget.value as 'approve' | 'request_changes')}
              data={[
                { value: 'approve', label: 'Approve' },
                { value: 'request_changes', label: 'Request changes' },
              ]}
              error={errors.decision}
            />
          </Group>
          <Textarea label="Comment" required autosize minRows={2} value={comment} onChange={(event) => setComment(event.currentTarget.value)} error={errors.comment} />
          <ProblemAlert error={decide.error} title="The decision was not recorded" />
          <Group>
            <Button type="submit" loading={decide.isPending}>
              Record decision
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
