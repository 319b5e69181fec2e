import { Alert, Box, Button, Code, Group, NativeSelect, Radio, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { api, unwrap, type Schema } from '../../api/client';
import { fieldErrors, problemCode } from '../../api/problems';
import { ProblemAlert } from '../../components/ProblemAlert';
import { DECISION_CHOICES, DECISIONS, ROLE_LABELS, type Decision, type Review, type SignOffRole } from './labels';
import { keys } from './queries';

export type SignOffOutcome = Schema<'SignOffOutcomeResponse'>;
type SignOffBody = Schema<'SignOffDto'>;

/** A person who may own a condition: an active person who may read the use case (the server checks). */
export interface OwnerOption {
  id: string;
  label: string;
}

interface ConditionDraft {
  key: number;
  description: string;
  ownerId: string;
  dueDate: string;
}

const COMMENT_MAX = 5000;
const CONDITION_MAX = 2000;
const CONDITIONS_MAX = 20;

const DECISION_HINTS: Record<Decision, string> = {
  approve: 'Counts towards the gate; you may attach conditions that become obligations once it passes.',
  request_changes: 'Sends the review back to the team to change the use case.',
  reject: 'Closes the review: the gate does not pass.',
};

/**
 * The sign-off: a role the review still needs and I hold, a decision, a comment
 * and, with an approval, conditions with an owner and a due date. It names the
 * revision the page shows; the server checks every rule again and its answer is
 * the truth. Each submission carries an Idempotency-Key, reused when the same
 * submission is retried, so a retry never records a second decision.
 */
export function SignOffForm({
  review,
  roles,
  owners,
  onSigned,
}: {
  review: Review;
  roles: SignOffRole[];
  owners: OwnerOption[];
  onSigned: (outcome: SignOffOutcome) => void;
}) {
  const queryClient = useQueryClient();
  const ids = useId();
  const [role, setRole] = useState<string>(roles.length === 1 ? roles[0] : '');
  const [decision, setDecision] = useState<string>('');
  const [comment, setComment] = useState('');
  const [conditions, setConditions] = useState<ConditionDraft[]>([]);
  const [problems, setProblems] = useState<Record<string, string>>({});
  // The revision the reader is deciding on: the one the page showed when they started. A change is shown, never signed silently.
  const [revision, setRevision] = useState(review.revision);
  const attempt = useRef<{ body: string; key: string } | null>(null);
  const nextKey = useRef(0);
  const focusAfterRender = useRef<string | null>(null);
  const alertRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (roles.length === 1) setRole(roles[0]);
    else if (role && !roles.includes(role as SignOffRole)) setRole('');
  }, [roles, role]);

  useEffect(() => {
    if (!focusAfterRender.current) return;
    document.getElementById(focusAfterRender.current)?.focus();
    focusAfterRender.current = null;
  });

  const mutation = useMutation({
    mutationFn: async ({ body, key }: { body: SignOffBody; key: string }) =>
      unwrap(
        await api.POST('/api/reviews/{reviewId}/sign-offs', {
          params: { path: { reviewId: review.id } },
          body,
          headers: { 'Idempotency-Key': key },
        }),
      ),
    onSuccess: async (outcome) => {
      attempt.current = null;
      setDecision('');
      setComment('');
      setConditions([]);
      setProblems({});
      onSigned(outcome);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.review(review.id) }),
        queryClient.invalidateQueries({ queryKey: keys.inbox }),
        queryClient.invalidateQueries({ queryKey: keys.useCase(review.useCaseId) }),
        queryClient.invalidateQueries({ queryKey: ['use-cases'] }),
      ]);
    },
  });

  // A refusal takes the focus, so the reader hears why at once. A key the server
  // says belongs to another request is dropped: the next submission gets a new one.
  useEffect(() => {
    if (!mutation.error) return;
    if (problemCode(mutation.error) === 'idempotency-key-reused') attempt.current = null;
    alertRef.current?.focus();
  }, [mutation.error]);

  const serverErrors = fieldErrors(mutation.error);
  const errorOf = (field: string) => problems[field] ?? serverErrors[field];
  const approving = decision === 'approve';

  function validate(): Record<string, string> {
    const found: Record<string, string> = {};
    if (!role) found.role = 'Choose the role you sign in.';
    if (!decision) found.decision = 'Choose a decision.';
    if (!comment.trim()) found.comment = 'Say why: a comment is required.';
    else if (comment.length > COMMENT_MAX) found.comment = `At most ${COMMENT_MAX} characters.`;
    if (approving) {
      conditions.forEach((condition, index) => {
        if (!condition.description.trim()) found[`conditions.${index}.description`] = 'Say what must be done, or remove this condition.';
        else if (condition.description.length > CONDITION_MAX) found[`conditions.${index}.description`] = `At most ${CONDITION_MAX} characters.`;
        if (condition.dueDate && !/^\d{4}-\d{2}-\d{2}$/.test(condition.dueDate)) found[`conditions.${index}.dueDate`] = 'A date like 2027-03-31.';
      });
    }
    return found;
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = validate();
    setProblems(found);
    if (Object.keys(found).length) {
      const first = Object.keys(found)[0];
      focusAfterRender.current = fieldId(first);
      return;
    }
    const body: SignOffBody = {
      role: role as SignOffRole,
      decision: decision as Decision,
      comment: comment.trim(),
      revision,
      ...(approving && conditions.length
        ? {
            conditions: conditions.map((condition) => ({
              description: condition.description.trim(),
              ...(condition.ownerId ? { ownerId: condition.ownerId } : {}),
              ...(condition.dueDate ? { dueDate: condition.dueDate } : {}),
            })),
          }
        : {}),
    };
    const json = JSON.stringify(body);
    // The same submission tried again keeps its key; anything changed is a new submission.
    if (!attempt.current || attempt.current.body !== json) attempt.current = { body: json, key: newIdempotencyKey() };
    mutation.mutate({ body, key: attempt.current.key });
  }

  function fieldId(field: string): string {
    const condition = /^conditions\.(\d+)\.(\w+)$/.exec(field);
    if (condition) return `${ids}-condition-${condition[1]}-${condition[2]}`;
    if (field === 'role' || field === 'decision') return `${ids}-${field}-first`;
    return `${ids}-${field}`;
  }

  function addCondition() {
    const index = conditions.length;
    setConditions((current) => [...current, { key: nextKey.current++, description: '', ownerId: '', dueDate: '' }]);
    focusAfterRender.current = `${ids}-condition-${index}-description`;
  }

  function removeCondition(index: number) {
    setConditions((current) => current.filter((_, i) => i !== index));
    setProblems({});
    focusAfterRender.current = `${ids}-add-condition`;
  }

  function updateCondition(index: number, change: Partial<ConditionDraft>) {
    setConditions((current) => current.map((condition, i) => (i === index ? { ...condition, ...change } : condition)));
  }

  const code = problemCode(mutation.error);

  return (
    <Box component="form" onSubmit={submit} noValidate aria-labelledby="sign-off-heading" maw={760}>
      <Stack gap="md">
        <Text size="sm">
          You are deciding on <strong>revision {revision}</strong> of the use case, under gate policy version {review.policyVersion}.
        </Text>
        {review.revision !== revision && (
          <Alert color="yellow" title="The use case changed while this page was open" role="status">
            <Stack gap="xs">
              <Text size="sm">
                The review is now on revision {review.revision}; you started on revision {revision}. The content, changes, risks and evidence above
                show revision {review.revision}: read them before you decide.
              </Text>
              <Group>
                <Button variant="default" size="xs" onClick={() => setRevision(review.revision)}>
                  Decide on revision {review.revision}
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}

        <Radio.Group
          label="Role"
          description={roles.length === 1 ? 'The slot you sign in: the only one this review still needs that you hold.' : 'The slot you sign in.'}
          value={role}
          onChange={setRole}
          withAsterisk
          error={errorOf('role')}
        >
          <Group mt="xs" gap="lg">
            {roles.map((option, index) => (
              <Radio key={option} value={option} label={ROLE_LABELS[option]} id={index === 0 ? `${ids}-role-first` : undefined} />
            ))}
          </Group>
        </Radio.Group>

        <Radio.Group label="Decision" value={decision} onChange={setDecision} withAsterisk error={errorOf('decision')}>
          <Stack mt="xs" gap="sm">
            {DECISIONS.map((option, index) => (
              <Radio
                key={option}
                value={option}
                label={DECISION_CHOICES[option]}
                description={DECISION_HINTS[option]}
                id={index === 0 ? `${ids}-decision-first` : undefined}
              />
            ))}
          </Stack>
        </Radio.Group>

        <Textarea
          id={`${ids}-comment`}
          label="Comment"
          description="Your reasons. They are kept with the decision and in the audit trail."
          withAsterisk
          autosize
          minRows={3}
          maxRows={12}
          maxLength={COMMENT_MAX}
          value={comment}
          onChange={(event) => setComment(event.currentTarget.value)}
          error={errorOf('comment')}
        />

        {approving && (
          <Stack gap="sm" role="group" aria-labelledby={`${ids}-conditions-heading`}>
            <div>
              <Title order={3} size="h4" id={`${ids}-conditions-heading`}>
                Conditions
              </Title>
              <Text size="sm" c="dimmed">
                Optional. Each becomes an obligation with its owner and due date once the gate passes.
              </Text>
            </div>
            {errorOf('conditions') && (
              <Text size="sm" c="red.8">
                {errorOf('conditions')}
              </Text>
            )}
            {conditions.map((condition, index) => (
              <ConditionFields
                key={condition.key}
                idBase={`${ids}-condition-${index}`}
                index={index}
                condition={condition}
                owners={owners}
                errors={{
                  description: errorOf(`conditions.${index}.description`),
                  ownerId: errorOf(`conditions.${index}.ownerId`),
                  dueDate: errorOf(`conditions.${index}.dueDate`),
                }}
                onChange={(change) => updateCondition(index, change)}
                onRemove={() => removeCondition(index)}
              />
            ))}
            <Group>
              <Button id={`${ids}-add-condition`} variant="default" onClick={addCondition} disabled={conditions.length >= CONDITIONS_MAX}>
                Add condition
              </Button>
            </Group>
          </Stack>
        )}

        {mutation.isError && (
          <div ref={alertRef} tabIndex={-1} data-testid="sign-off-problem">
            <ProblemAlert error={mutation.error} title="Your sign-off was not recorded" />
            {code === 'stale-revision' && (
              <Group mt="xs">
                <Button
                  variant="default"
                  onClick={() => {
                    void queryClient.invalidateQueries({ queryKey: keys.review(review.id) });
                    void queryClient.invalidateQueries({ queryKey: keys.useCase(review.useCaseId) });
                    mutation.reset();
                  }}
                >
                  Reload the review
                </Button>
              </Group>
            )}
          </div>
        )}

        <Group>
          <Button type="submit" loading={mutation.isPending}>
            Submit sign-off
          </Button>
        </Group>
        <Text size="xs" c="dimmed">
          Signing as the review’s current revision: content hash <Code>{review.contentHash.slice(0, 16)}…</Code>
        </Text>
      </Stack>
    </Box>
  );
}

function ConditionFields({
  idBase,
  index,
  condition,
  owners,
  errors,
  onChange,
  onRemove,
}: {
  idBase: string;
  index: number;
  condition: ConditionDraft;
  owners: OwnerOption[];
  errors: { description?: string; ownerId?: string; dueDate?: string };
  onChange: (change: Partial<ConditionDraft>) => void;
  onRemove: () => void;
}) {
  const number = index + 1;
  return (
    <Box p="sm" style={{ border: '1px solid var(--mantine-color-gray-4)', borderRadius: 'var(--mantine-radius-sm)' }} data-condition-index={index}>
      <Stack gap="xs">
        <Textarea
          id={`${idBase}-description`}
          label={`Condition ${number}`}
          description="What must be done."
          withAsterisk
          autosize
          minRows={2}
          maxLength={CONDITION_MAX}
          value={condition.description}
          onChange={(event) => onChange({ description: event.currentTarget.value })}
          error={errors.description}
        />
        <Group grow align="flex-start">
          <NativeSelect
            id={`${idBase}-ownerId`}
            label={`Owner of condition ${number}`}
            value={condition.ownerId}
            onChange={(event) => onChange({ ownerId: event.currentTarget.value })}
            data={[{ value: '', label: 'No owner named' }, ...owners.map((owner) => ({ value: owner.id, label: owner.label }))]}
            error={errors.ownerId}
          />
          <TextInput
            id={`${idBase}-dueDate`}
            type="date"
            label={`Due date of condition ${number}`}
            value={condition.dueDate}
            onChange={(event) => onChange({ dueDate: event.currentTarget.value })}
            error={errors.dueDate}
          />
        </Group>
        <Group>
          <Button variant="subtle" color="red.8" size="xs" onClick={onRemove}>
            Remove condition {number}
          </Button>
        </Group>
      </Stack>
    </Box>
  );
}

/** A UUID for the Idempotency-Key; crypto.randomUUID needs a secure context, getRandomValues does not. */
function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
