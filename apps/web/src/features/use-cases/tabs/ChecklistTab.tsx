import { Button, Checkbox, Fieldset, Group, NativeSelect, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { api, unwrap } from '../../../api/client';
import { fieldErrors } from '../../../api/problems';
import { QueryState } from '../../../components/PageState';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { WordBadge } from '../badges';
import { CHECKLIST_ANSWER_LABELS, forwardGate, GATE_LABELS, type Gate, type UseCaseDetail } from '../labels';
import { useGatePolicy, useRefreshUseCase, type GatePolicy } from '../queries';
import { GateRequirementsSummary, requirementsFor } from './GateRequirements';
import type { TabProps } from './types';

type Answer = keyof typeof CHECKLIST_ANSWER_LABELS;

/** The checklist items the gate policy asks of this use case's next gate (or retirement), with their answers. */
export function ChecklistTab({ useCase, canChange }: TabProps) {
  const policy = useGatePolicy();
  const [params, setParams] = useSearchParams();
  const [showAll, setShowAll] = useState(false);
  const next = forwardGate(useCase.stage);
  const asked = params.get('gate');
  const gates: Gate[] = next ? [next, 'retire'] : [];
  const gate = gates.find((candidate) => candidate === asked) ?? next;

  return (
    <Stack gap="md">
      <Title order={2}>Checklist</Title>
      {!gate ? (
        <Text>This use case is retired: no gate asks anything of it any more.</Text>
      ) : (
        <>
          <NativeSelect
            label="Gate"
            maw={360}
            value={gate}
            onChange={(event) => setParams({ gate: event.currentTarget.value }, { replace: true })}
            data={gates.map((value) => ({ value, label: GATE_LABELS[value] }))}
            description="The checklist of the gate at the end of the current stage, or of retirement."
          />
          <GateRequirementsSummary useCase={useCase} gate={gate} />
          <QueryState query={policy} label="Loading the gate policy">
            {(current) => <ChecklistItems useCase={useCase} policy={current} gate={gate} canChange={canChange} showAll={showAll} />}
          </QueryState>
          <Checkbox
            label="Also show the policy's other checklist items"
            checked={showAll}
            onChange={(event) => setShowAll(event.currentTarget.checked)}
          />
        </>
      )}
    </Stack>
  );
}

function ChecklistItems({ useCase, policy, gate, canChange, showAll }: { useCase: UseCaseDetail; policy: GatePolicy; gate: Gate; canChange: boolean; showAll: boolean }) {
  const requirements = requirementsFor(policy, gate, useCase.tier);
  const required = requirements?.checklist ?? [];
  const items = policy.document.checklistItems;
  const answered = Object.keys(useCase.content.checklist).filter((id) => !required.includes(id));
  const others = showAll ? Object.keys(items).filter((id) => !required.includes(id)) : answered;

  return (
    <Stack gap="md">
      <Title order={3}>Required for this gate ({required.length})</Title>
      {required.length === 0 ? (
        <Text size="sm">This gate asks for no checklist answers at this tier.</Text>
      ) : (
        required.map((id) => <ChecklistItem key={id} useCase={useCase} itemId={id} item={items[id]} canChange={canChange} required />)
      )}
      {others.length > 0 && (
        <>
          <Title order={3}>{showAll ? 'Other items of the policy' : 'Other answered items'}</Title>
          {others.map((id) => (
            <ChecklistItem key={id} useCase={useCase} itemId={id} item={items[id]} canChange={canChange} />
          ))}
        </>
      )}
    </Stack>
  );
}

function ChecklistItem({
  useCase,
  itemId,
  item,
  canChange,
  required = false,
}: {
  useCase: UseCaseDetail;
  itemId: string;
  item?: { text: string; guide: string; controls?: string[] };
  canChange: boolean;
  required?: boolean;
}) {
  const existing = useCase.content.checklist[itemId];
  const [answer, setAnswer] = useState<Answer | ''>(existing?.answer ?? '');
  const [note, setNote] = useState(existing?.note ?? '');
  const [saved, setSaved] = useState(false);
  const refresh = useRefreshUseCase(useCase.id);
  const save = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.PUT('/api/use-cases/{id}/checklist/{itemId}', {
          params: { path: { id: useCase.id, itemId } },
          body: { answer: answer as Answer, ...(note.trim() ? { note: note.trim() } : {}) },
        }),
      ),
    onSuccess: async () => {
      setSaved(true);
      await refresh();
    },
  });
  const errors = fieldErrors(save.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    if (answer) save.mutate();
  };
  const legend = item?.text ?? itemId;

  return (
    <Fieldset legend={legend} maw={900}>
      <form onSubmit={submit} noValidate>
        <Stack gap="xs">
          <Group gap="xs">
            <Text size="xs" c="dimmed">
              {itemId} · guide: {item?.guide ?? 'not in the current policy'}
              {item?.controls?.length ? ` · ISO/IEC 42001 ${item.controls.join(', ')}` : ''}
            </Text>
            {existing ? (
              <WordBadge tone={existing.answer === 'no' ? 'warn' : 'good'}>{`Answered: ${CHECKLIST_ANSWER_LABELS[existing.answer]}`}</WordBadge>
            ) : (
              <WordBadge tone={required ? 'bad' : 'neutral'}>Not answered</WordBadge>
            )}
          </Group>
          {existing?.note && !canChange && <Text size="sm">Note: {existing.note}</Text>}
          {canChange && (
            <>
              <Group align="flex-end">
                <NativeSelect
                  label="Answer"
                  value={answer}
                  onChange={(event) => {
                    setSaved(false);
                    setAnswer(event.currentTarget.value as Answer | '');
                  }}
                  error={errors.answer}
                  data={[{ value: '', label: 'Choose…' }, ...(Object.keys(CHECKLIST_ANSWER_LABELS) as Answer[]).map((value) => ({ value, label: CHECKLIST_ANSWER_LABELS[value] }))]}
                />
                <TextInput label="Note" value={note} onChange={(event) => setNote(event.currentTarget.value)} error={errors.note} maxLength={2000} style={{ flex: 1 }} />
                <Button type="submit" loading={save.isPending} disabled={!answer}>
                  Save answer
                </Button>
              </Group>
              {saved && !save.isPending && (
                <Text size="xs" role="status">
                  Saved.
                </Text>
              )}
              <ProblemAlert error={save.error} title="The answer was not saved" />
            </>
          )}
        </Stack>
      </form>
    </Fieldset>
  );
}
