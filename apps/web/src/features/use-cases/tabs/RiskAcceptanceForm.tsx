import { Button, Group, NativeSelect, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap, type Schema } from '../../../api/client';
import { fieldErrors } from '../../../api/problems';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { ROLE_LABELS, SEVERITY_LABELS, type Risk } from '../labels';
import { useRefreshUseCase } from '../queries';

/** Legal or an assessor outside the team accepts a risk the team treats by acceptance; the policy decides whose authority suffices at its severity. */
export function AcceptanceForm({ useCaseId, risk, roles, onDone }: { useCaseId: string; risk?: Risk; roles: ('legal' | 'assessor')[]; onDone: () => void }) {
  const [role, setRole] = useState(roles[0]);
  const [comment, setComment] = useState('');
  const [attempted, setAttempted] = useState(false);
  const refresh = useRefreshUseCase(useCaseId);
  const accept = useMutation({
    mutationFn: async (body: Schema<'RiskAcceptanceDto'>) =>
      unwrap(await api.POST('/api/use-cases/{id}/risks/{riskId}/acceptance', { params: { path: { id: useCaseId, riskId: risk!.id } }, body })),
    onSuccess: async () => {
      await refresh();
      onDone();
    },
  });
  if (!risk) return null;
  const errors: Record<string, string> = { ...(attempted && !comment.trim() ? { comment: 'Say why the organisation can live with this risk' } : {}), ...fieldErrors(accept.error) };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (!comment.trim()) return;
    accept.mutate({ role, comment: comment.trim() });
  };
  return (
    <Paper withBorder p="md" maw={820} component="section" aria-label="Accept a risk">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Title order={3}>Accept the risk “{risk.description}”</Title>
          <Text size="sm">
            Inherent severity {risk.severity} ({SEVERITY_LABELS[risk.severity]}). The acceptance covers the risk exactly as it stands; if the team edits it, it needs
            accepting again.
          </Text>
          <NativeSelect
            label="Accept as"
            value={role}
            onChange={(event) => setRole(event.currentTarget.value as 'legal' | 'assessor')}
            data={roles.map((value) => ({ value, label: ROLE_LABELS[value] }))}
            error={errors.role}
          />
          <Textarea
            label="Why the organisation can live with it"
            required
            autosize
            minRows={2}
            value={comment}
            onChange={(event) => setComment(event.currentTarget.value)}
            error={errors.comment}
          />
          <ProblemAlert error={accept.error} title="The acceptance was not recorded" />
          <Group>
            <Button type="submit" loading={accept.isPending}>
              Record acceptance
            </Button>
            <Button variant="default" onClick={onDone}>
              Cancel
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
