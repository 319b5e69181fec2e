import { Button, Group, List, NativeSelect, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../../../api/client';
import { fieldErrors } from '../../../api/problems';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { CAUTION_COLOR, ROLE_LABELS, STAGE_LABELS, STAGES, type Stage, type UseCaseDetail } from '../labels';
import { Notice } from '../Notice';
import { keys, useGatePolicy, useRefreshUseCase } from '../queries';
import { requirementsFor } from './GateRequirements';
import { GateTodoList, todosOf } from './GateTodo';
import { useOpenReview } from './useOpenReview';

/** Sending a use case back to an earlier stage, with a reason and a confirmation step. */
export function Rollback({ useCase }: { useCase: UseCaseDetail }) {
  const earlier = STAGES.slice(0, STAGES.indexOf(useCase.stage)).filter((stage): stage is Exclude<Stage, 'retired'> => stage !== 'retired');
  const [toStage, setToStage] = useState<Stage>(earlier[earlier.length - 1] ?? 'design');
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [attempted, setAttempted] = useState(false);
  const client = useQueryClient();
  const refresh = useRefreshUseCase(useCase.id);
  const rollback = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/use-cases/{id}/rollback', { params: { path: { id: useCase.id } }, body: { toStage, reason: reason.trim() } })),
    onSuccess: async () => {
      setConfirming(false);
      setReason('');
      setAttempted(false);
      await Promise.all([refresh(), client.invalidateQueries({ queryKey: keys.reviews(useCase.id) })]);
    },
    onError: () => setConfirming(false),
  });
  const errors: Record<string, string> = { ...(attempted && !reason.trim() ? { reason: 'Say why it goes back (drift, an incident…)' } : {}), ...fieldErrors(rollback.error) };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (!reason.trim()) return;
    rollback.reset();
    setConfirming(true);
  };
  return (
    <Paper withBorder p="md" maw={900} component="section" aria-label="Send back to an earlier stage">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={3}>Send back to an earlier stage</Title>
          <Text size="sm">
            After drift or an incident, a role the policy names for the {STAGE_LABELS[useCase.stage].toLowerCase()} gate can send the use case back. Going forward again needs the
            gates again. A rollback waits for any open review to close.
          </Text>
          <NativeSelect
            label="Target stage"
            maw={320}
            value={toStage}
            onChange={(event) => {
              setConfirming(false);
              setToStage(event.currentTarget.value as Stage);
            }}
            data={earlier.map((stage) => ({ value: stage, label: STAGE_LABELS[stage] }))}
            error={errors.toStage}
          />
          <Textarea label="Reason for the rollback" required autosize minRows={2} value={reason} onChange={(event) => setReason(event.currentTarget.value)} error={errors.reason} />
          <ProblemAlert error={rollback.error} title="The use case was not sent back" />
          {confirming ? (
            <Notice title={`Send it back to ${STAGE_LABELS[toStage].toLowerCase()}?`} accent={CAUTION_COLOR} role="alertdialog" label="Confirm the rollback">
              <Text size="sm" mb="xs">
                The use case leaves {STAGE_LABELS[useCase.stage].toLowerCase()} now; every gate after {STAGE_LABELS[toStage].toLowerCase()} must pass again. This is recorded with your
                reason.
              </Text>
              <Group>
                <Button color={CAUTION_COLOR} autoFocus loading={rollback.isPending} onClick={() => rollback.mutate()}>
                  Confirm rollback
                </Button>
                <Button variant="default" onClick={() => setConfirming(false)}>
                  Cancel
                </Button>
              </Group>
            </Notice>
          ) : (
            <Group>
              <Button type="submit" variant="default">
                Roll back…
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Paper>
  );
}

/** Retirement: the retire gate's review, opened with a reason after a confirmation step; refused, it leaves the gate's to-do list. */
export function Retire({ useCase }: { useCase: UseCaseDetail }) {
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [attempted, setAttempted] = useState(false);
  const open = useOpenReview(useCase);
  const policy = useGatePolicy();
  const checklistText = (id: string) => policy.data?.document.checklistItems[id]?.text;
  const todos = todosOf(open.error, useCase.id, 'retire', checklistText);
  const requirements = policy.data ? requirementsFor(policy.data, 'retire', useCase.tier) : undefined;
  const errors: Record<string, string> = { ...(attempted && !reason.trim() ? { reason: 'A retirement needs a reason' } : {}), ...fieldErrors(open.error) };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (!reason.trim()) return;
    open.reset();
    setConfirming(true);
  };
  return (
    <Paper withBorder p="md" maw={900} component="section" aria-label="Retire this use case">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={3}>Retire this use case</Title>
          <Text size="sm">Retirement is a gate like the others: it opens a review, and the use case is retired when the people the policy names have signed it.</Text>
          <Textarea label="Reason for retirement" required autosize minRows={2} value={reason} onChange={(event) => setReason(event.currentTarget.value)} error={errors.reason} />
          {todos && todos.length > 0 ? <GateTodoList todos={todos} requirements={requirements} /> : <ProblemAlert error={open.error} title="The retirement review was not opened" />}
            {confirming ? (
            <Notice title="Open the retirement review?" accent={CAUTION_COLOR} role="alertdialog" label="Confirm the retirement">
              <Text size="sm" mb="xs">
                Once it passes, the use case is retired for good: it can no longer change and no gate opens again.
              </Text>
              <Group>
                <Button
                  color={CAUTION_COLOR}
                  autoFocus
                  loading={open.isPending}
                  onClick={() => open.mutate({ gate: 'retire', reason: reason.trim() }, { onSettled: () => setConfirming(false) })}
                >
                  Open the retirement review
                </Button>
                <Button variant="default" onClick={() => setConfirming(false)}>
                  Cancel
                </Button>
              </Group>
            </Notice>
          ) : (
            <Group>
              <Button type="submit" variant="default">
                Retire…
              </Button>
            </Group>
          )}
          {requirements && (
            <List size="xs" c="dimmed">
              <List.Item>
                Signed by: {requirements.signOffs.map((slot) => `${slot.quorum > 1 ? `${slot.quorum} × ` : ''}${ROLE_LABELS[slot.role]}`).join(', ') || 'nobody'}
              </List.Item>
            </List>
          )}
        </Stack>
      </form>
    </Paper>
  );
}
