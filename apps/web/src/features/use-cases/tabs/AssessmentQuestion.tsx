import { Button, Checkbox, Fieldset, Group, NativeSelect, Paper, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { HELP_BELOW } from '../UseCaseForm';
import type { AffectedGroup, TemplateQuestion } from './assessment';
import { DANGER_COLOR } from '../labels';

/** Every message the server gave for a question or anything under it (answers.<id>, answers.<id>.0.name). */
export function questionError(errors: Record<string, string>, id: string): string | undefined {
  const key = `answers.${id}`;
  const messages = Object.entries(errors)
    .filter(([path]) => path === key || path.startsWith(`${key}.`))
    .map(([path, message]) => (path === key ? message : `${path.slice(key.length + 1)}: ${message}`));
  return messages.length ? messages.join('; ') : undefined;
}

/** Is there an answer worth sending? Empty texts and empty lists are "not answered yet". */
export function isAnswered(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim().length > 0;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

interface Props {
  question: TemplateQuestion;
  value: unknown;
  error?: string;
  onChange: (value: unknown) => void;
}

/** One question of the template, as the input its kind asks for: text, a choice, a point on a scale, or the affected groups. */
export function AssessmentQuestionInput({ question, value, error, onChange }: Props) {
  const common = {
    label: question.text,
    required: question.required,
    description: question.help,
    inputWrapperOrder: HELP_BELOW,
    error,
  };
  switch (question.kind) {
    case 'choice':
      return (
        <NativeSelect
          {...common}
          value={typeof value === 'string' ? value : ''}
          onChange={(event) => onChange(event.currentTarget.value || undefined)}
          data={[{ value: '', label: 'Not answered yet' }, ...(question.options ?? [])]}
        />
      );
    case 'scale': {
      const { min, max, labels = {} } = question.scale ?? { min: 1, max: 5 };
      const points = Array.from({ length: max - min + 1 }, (_, index) => min + index);
      return (
        <NativeSelect
          {...common}
          value={typeof value === 'number' ? String(value) : ''}
          onChange={(event) => onChange(event.currentTarget.value ? Number(event.currentTarget.value) : undefined)}
          data={[{ value: '', label: 'Not answered yet' }, ...points.map((point) => ({ value: String(point), label: labels[String(point)] ? `${point} — ${labels[String(point)]}` : String(point) }))]}
        />
      );
    }
    case 'groups':
      return <GroupsInput question={question} groups={Array.isArray(value) ? (value as AffectedGroup[]) : []} error={error} onChange={onChange} />;
    default:
      return <Textarea {...common} autosize minRows={2} value={typeof value === 'string' ? value : ''} onChange={(event) => onChange(event.currentTarget.value)} />;
  }
}

function GroupsInput({ question, groups, error, onChange }: { question: TemplateQuestion; groups: AffectedGroup[]; error?: string; onChange: (value: unknown) => void }) {
  const update = (index: number, patch: Partial<AffectedGroup>) => onChange(groups.map((group, i) => (i === index ? { ...group, ...patch } : group)));
  return (
    <Fieldset legend={`${question.text}${question.required ? ' (required)' : ''}`}>
      <Stack gap="xs">
        {question.help && (
          <Text size="sm" c="dimmed">
            {question.help}
          </Text>
        )}
        {error && (
          <Text size="sm" c={DANGER_COLOR} role="alert">
            {error}
          </Text>
        )}
        {groups.map((group, index) => (
          <Paper key={index} withBorder p="xs">
            <Stack gap={4}>
              <TextInput label={`Group ${index + 1} name`} required value={group.name} onChange={(event) => update(index, { name: event.currentTarget.value })} />
              <Textarea label={`Group ${index + 1} impact`} required autosize minRows={1} value={group.impact} onChange={(event) => update(index, { impact: event.currentTarget.value })} />
              <Checkbox
                label={`Group ${index + 1} is affected without using the system`}
                checked={group.nonUser}
                onChange={(event) => update(index, { nonUser: event.currentTarget.checked })}
              />
              <Group>
                <Button size="xs" variant="subtle" color={DANGER_COLOR} onClick={() => onChange(groups.filter((_, i) => i !== index))}>
                  Remove group {index + 1}
                </Button>
              </Group>
            </Stack>
          </Paper>
        ))}
        <Group>
          <Button size="xs" variant="default" onClick={() => onChange([...groups, { name: '', nonUser: false, impact: '' }])}>
            Add an affected group
          </Button>
        </Group>
      </Stack>
    </Fieldset>
  );
}

/** An answer as read-only text. */
export function answerText(question: TemplateQuestion, value: unknown): string {
  if (!isAnswered(value)) return 'Not answered';
  if (question.kind === 'groups' && Array.isArray(value)) {
    return (value as AffectedGroup[]).map((group) => `${group.name}${group.nonUser ? ' (not a user)' : ''}: ${group.impact}`).join('\n');
  }
  if (question.kind === 'scale' && typeof value === 'number') {
    const label = question.scale?.labels?.[String(value)];
    return label ? `${value} — ${label}` : String(value);
  }
  return String(value);
}
