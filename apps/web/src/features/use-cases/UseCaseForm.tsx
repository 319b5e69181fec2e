import { Button, Checkbox, Fieldset, Group, NativeSelect, Paper, Stack, Text, TextInput, Textarea, type ComboboxStringGroupData } from '@mantine/core';
import { useState, type FormEvent, type ReactNode } from 'react';
import { fieldErrors } from '../../api/problems';
import { ProblemAlert } from '../../components/ProblemAlert';
import { DANGER_COLOR, AI_ROLE_LABELS } from './labels';
import { listError, validate, type UseCaseFormValues } from './useCaseForm';

/** Help under a field, after the input, read out with it (aria-describedby). */
export const HELP_BELOW = ['label', 'input', 'error', 'description'] as ('label' | 'input' | 'error' | 'description')[];

/**
 * The guide's "define use case" fields, each with a short help text drawn from
 * the guide (Responsible Use of AI, the design phase). Used to register and to edit.
 */
export const HELP = {
  title: 'A short name people across the organisation will recognise.',
  businessProblem: 'The business problem the use case solves, in plain words: the guide starts every use case here.',
  workflow: 'How the workflow solves the problem, from its key inputs to its outputs. Where several components work together, say how they interact.',
  components: 'The parts of the workflow (models, services, human steps) and what each one does. Optional.',
  inputs: 'The key inputs, one per line. Think about how they may vary and which errors that variation could cause.',
  outputs: 'The key outputs, one per line: what the system gives back and to whom.',
  stakeholders:
    'Everyone involved in the business problem and what they want from it — including people who are not customers or users but may still be affected (for a self-driving car: pedestrians and other drivers).',
  intendedUse: 'The purpose the system is designed for, and the context it is meant to work in. Deployers compare their own context against it.',
  foreseeableMisuse: 'Other uses that are likely beyond the intended one, and how the system could be misused, intentionally or not.',
  aiRole: 'Developers create the AI model or system; deployers put a system in front of end users. A deployer who adapts or builds the system becomes a developer too.',
  developerTeamId: 'The team that creates the system. You must be on this team or on the deployer team.',
  deployerTeamId: 'The team that puts the system into use. Teams cannot be changed after registration.',
} as const;

interface Props {
  mode: 'create' | 'edit';
  initial: UseCaseFormValues;
  /** For registration: the teams to choose from, the person's own first. */
  teamOptions?: ComboboxStringGroupData;
  /** Shown instead of the team selects when editing. */
  teamsSummary?: ReactNode;
  submitLabel: string;
  submitting: boolean;
  error: unknown;
  onSubmit: (values: UseCaseFormValues) => void;
  onCancel?: () => void;
}

export function UseCaseForm({ mode, initial, teamOptions, teamsSummary, submitLabel, submitting, error, onSubmit, onCancel }: Props) {
  const [values, setValues] = useState(initial);
  const [attempted, setAttempted] = useState(false);
  const local = attempted ? validate(values, mode) : {};
  // The server's answer is the truth: its field errors show where it put them, local checks fill the rest.
  const errors = { ...local, ...fieldErrors(error) };

  const set = <K extends keyof UseCaseFormValues>(key: K, value: UseCaseFormValues[K]) => setValues((current) => ({ ...current, [key]: value }));
  const setComponent = (index: number, patch: Partial<UseCaseFormValues['components'][number]>) =>
    set(
      'components',
      values.components.map((component, i) => (i === index ? { ...component, ...patch } : component)),
    );
  const setStakeholder = (index: number, patch: Partial<UseCaseFormValues['stakeholders'][number]>) =>
    set(
      'stakeholders',
      values.stakeholders.map((stakeholder, i) => (i === index ? { ...stakeholder, ...patch } : stakeholder)),
    );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (Object.keys(validate(values, mode)).length > 0) return;
    onSubmit(values);
  };

  const hasLocalErrors = Object.keys(local).length > 0;

  return (
    <form onSubmit={submit} noValidate aria-label={mode === 'create' ? 'Register a use case' : 'Edit the use case'}>
      <Stack gap="lg" maw={820}>
        <TextInput
          label="Title"
          required
          description={HELP.title}
          inputWrapperOrder={HELP_BELOW}
          value={values.title}
          onChange={(event) => set('title', event.currentTarget.value)}
          error={errors.title}
          maxLength={200}
        />
        <Textarea
          label="Business problem"
          required
          description={HELP.businessProblem}
          inputWrapperOrder={HELP_BELOW}
          autosize
          minRows={3}
          value={values.businessProblem}
          onChange={(event) => set('businessProblem', event.currentTarget.value)}
          error={errors.businessProblem}
        />
        <Textarea
          label="Workflow"
          required
          description={HELP.workflow}
          inputWrapperOrder={HELP_BELOW}
          autosize
          minRows={3}
          value={values.workflowDescription}
          onChange={(event) => set('workflowDescription', event.currentTarget.value)}
          error={errors['workflow.description'] ?? errors.workflow}
        />

        <Fieldset legend="Workflow components">
          <Stack gap="sm">
            <Text size="sm" c="dimmed">
              {HELP.components}
            </Text>
            {errors['workflow.components'] && (
              <Text size="sm" c={DANGER_COLOR} role="alert">
                {errors['workflow.components']}
              </Text>
            )}
            {values.components.map((component, index) => (
              <Paper key={index} withBorder p="sm">
                <Group align="flex-start" grow>
                  <TextInput
                    label={`Component ${index + 1} name`}
                    required
                    value={component.name}
                    onChange={(event) => setComponent(index, { name: event.currentTarget.value })}
                    error={errors[`workflow.components.${index}.name`] ?? errors[`workflow.components.${index}`]}
                  />
                  <TextInput
                    label={`Component ${index + 1} description`}
                    value={component.description}
                    onChange={(event) => setComponent(index, { description: event.currentTarget.value })}
                    error={errors[`workflow.components.${index}.description`]}
                  />
                </Group>
                <Button
                  mt="xs"
                  size="xs"
                  variant="subtle"
                  color={DANGER_COLOR}
                  onClick={() =>
                    set(
                      'components',
                      values.components.filter((_, i) => i !== index),
                    )
                  }
                >
                  Remove component {index + 1}
                </Button>
              </Paper>
            ))}
            <Group>
              <Button variant="default" size="xs" onClick={() => set('components', [...values.components, { name: '', description: '' }])}>
                Add a component
              </Button>
            </Group>
          </Stack>
        </Fieldset>

        <Textarea
          label="Inputs"
          required
          description={HELP.inputs}
          inputWrapperOrder={HELP_BELOW}
          autosize
          minRows={2}
          value={values.inputs}
          onChange={(event) => set('inputs', event.currentTarget.value)}
          error={listError(errors, 'inputs')}
        />
        <Textarea
          label="Outputs"
          required
          description={HELP.outputs}
          inputWrapperOrder={HELP_BELOW}
          autosize
          minRows={2}
          value={values.outputs}
          onChange={(event) => set('outputs', event.currentTarget.value)}
          error={listError(errors, 'outputs')}
        />

        <Fieldset legend="Stakeholders">
          <Stack gap="sm">
            <Text size="sm" c="dimmed">
              {HELP.stakeholders}
            </Text>
            {errors.stakeholders && (
              <Text size="sm" c={DANGER_COLOR} role="alert">
                {errors.stakeholders}
              </Text>
            )}
            {values.stakeholders.map((stakeholder, index) => (
              <Paper key={index} withBorder p="sm">
                <Stack gap="xs">
                  <Group align="flex-start" grow>
                    <TextInput
                      label={`Stakeholder ${index + 1} name`}
                      required
                      value={stakeholder.name}
                      onChange={(event) => setStakeholder(index, { name: event.currentTarget.value })}
                      error={errors[`stakeholders.${index}.name`] ?? errors[`stakeholders.${index}`]}
                    />
                    <TextInput
                      label={`Stakeholder ${index + 1} objectives`}
                      required
                      value={stakeholder.objectives}
                      onChange={(event) => setStakeholder(index, { objectives: event.currentTarget.value })}
                      error={errors[`stakeholders.${index}.objectives`]}
                    />
                  </Group>
                  <Checkbox
                    label={`Stakeholder ${index + 1} is affected without being a customer or user`}
                    checked={stakeholder.affectedNonUser}
                    onChange={(event) => setStakeholder(index, { affectedNonUser: event.currentTarget.checked })}
                    error={errors[`stakeholders.${index}.affectedNonUser`]}
                  />
                  {values.stakeholders.length > 1 && (
                    <Group>
                      <Button
                        size="xs"
                        variant="subtle"
                        color={DANGER_COLOR}
                        onClick={() =>
                          set(
                            'stakeholders',
                            values.stakeholders.filter((_, i) => i !== index),
                          )
                        }
                      >
                        Remove stakeholder {index + 1}
                      </Button>
                    </Group>
                  )}
                </Stack>
              </Paper>
            ))}
            <Group>
              <Button
                variant="default"
                size="xs"
                onClick={() => set('stakeholders', [...values.stakeholders, { name: '', objectives: '', affectedNonUser: false }])}
              >
                Add a stakeholder
              </Button>
            </Group>
          </Stack>
        </Fieldset>

        <Textarea
          label="Intended use"
          required
          description={HELP.intendedUse}
          inputWrapperOrder={HELP_BELOW}
          autosize
          minRows={2}
          value={values.intendedUse}
          onChange={(event) => set('intendedUse', event.currentTarget.value)}
          error={errors.intendedUse}
        />
        <Textarea
          label="Foreseeable misuse"
          required
          description={HELP.foreseeableMisuse}
          inputWrapperOrder={HELP_BELOW}
          autosize
          minRows={2}
          value={values.foreseeableMisuse}
          onChange={(event) => set('foreseeableMisuse', event.currentTarget.value)}
          error={errors.foreseeableMisuse}
        />
        <NativeSelect
          label="AI role"
          required
          description={HELP.aiRole}
          inputWrapperOrder={HELP_BELOW}
          value={values.aiRole}
          onChange={(event) => set('aiRole', event.currentTarget.value as UseCaseFormValues['aiRole'])}
          error={errors.aiRole}
          data={[
            { value: '', label: 'Choose…' },
            ...(Object.keys(AI_ROLE_LABELS) as (keyof typeof AI_ROLE_LABELS)[]).map((value) => ({ value, label: AI_ROLE_LABELS[value] })),
          ]}
        />

        {mode === 'create' && teamOptions ? (
          <Group grow align="flex-start">
            <NativeSelect
              label="Developer team"
              required
              description={HELP.developerTeamId}
              inputWrapperOrder={HELP_BELOW}
              value={values.developerTeamId}
              onChange={(event) => set('developerTeamId', event.currentTarget.value)}
              error={errors.developerTeamId}
              data={teamOptions}
            />
            <NativeSelect
              label="Deployer team"
              required
              description={HELP.deployerTeamId}
              inputWrapperOrder={HELP_BELOW}
              value={values.deployerTeamId}
              onChange={(event) => set('deployerTeamId', event.currentTarget.value)}
              error={errors.deployerTeamId}
              data={teamOptions}
            />
          </Group>
        ) : (
          teamsSummary
        )}

        {hasLocalErrors && (
          <Text c={DANGER_COLOR} size="sm" role="alert">
            Some fields need correcting before this can be sent; each says what is wrong.
          </Text>
        )}
        <ProblemAlert error={error} title={mode === 'create' ? 'The use case was not registered' : 'The changes were not saved'} />

        <Group>
          <Button type="submit" loading={submitting}>
            {submitLabel}
          </Button>
          {onCancel && (
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}
