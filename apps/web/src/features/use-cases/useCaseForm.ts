import type { Schema } from '../../api/client';
import type { UseCaseContent } from './labels';

export type CreateUseCase = Schema<'CreateUseCaseDto'>;
export type UpdateUseCase = Schema<'UpdateUseCaseDto'>;
type AiRole = CreateUseCase['aiRole'];

/** The form as people fill it: lists of short texts are one per line, nested lists are rows. */
export interface UseCaseFormValues {
  title: string;
  businessProblem: string;
  workflowDescription: string;
  components: { name: string; description: string }[];
  inputs: string;
  outputs: string;
  stakeholders: { name: string; objectives: string; affectedNonUser: boolean }[];
  intendedUse: string;
  foreseeableMisuse: string;
  aiRole: AiRole | '';
  developerTeamId: string;
  deployerTeamId: string;
}

export function emptyValues(teamId: string): UseCaseFormValues {
  return {
    title: '',
    businessProblem: '',
    workflowDescription: '',
    components: [],
    inputs: '',
    outputs: '',
    stakeholders: [{ name: '', objectives: '', affectedNonUser: false }],
    intendedUse: '',
    foreseeableMisuse: '',
    aiRole: '',
    developerTeamId: teamId,
    deployerTeamId: teamId,
  };
}

export function valuesOf(content: UseCaseContent): UseCaseFormValues {
  return {
    title: content.title,
    businessProblem: content.businessProblem,
    workflowDescription: content.workflow.description,
    components: content.workflow.components.map(({ name, description }) => ({ name, description })),
    inputs: content.inputs.join('\n'),
    outputs: content.outputs.join('\n'),
    stakeholders: content.stakeholders.map(({ name, objectives, affectedNonUser }) => ({ name, objectives, affectedNonUser })),
    intendedUse: content.intendedUse,
    foreseeableMisuse: content.foreseeableMisuse,
    aiRole: content.aiRole,
    developerTeamId: content.developerTeamId,
    deployerTeamId: content.deployerTeamId,
  };
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/** The descriptive fields as the API takes them (every field but the teams). */
export function definitionOf(values: UseCaseFormValues): Required<UpdateUseCase> {
  return {
    title: values.title.trim(),
    businessProblem: values.businessProblem.trim(),
    workflow: {
      description: values.workflowDescription.trim(),
      components: values.components.map((c) => ({ name: c.name.trim(), description: c.description.trim() })),
    },
    inputs: lines(values.inputs),
    outputs: lines(values.outputs),
    stakeholders: values.stakeholders.map((s) => ({ name: s.name.trim(), objectives: s.objectives.trim(), affectedNonUser: s.affectedNonUser })),
    intendedUse: values.intendedUse.trim(),
    foreseeableMisuse: values.foreseeableMisuse.trim(),
    aiRole: values.aiRole as AiRole,
  };
}

export function createBody(values: UseCaseFormValues): CreateUseCase {
  return { ...definitionOf(values), developerTeamId: values.developerTeamId, deployerTeamId: values.deployerTeamId };
}

/** Only the fields that differ from the use case as loaded: PATCH sends nothing else. */
export function changedFields(values: UseCaseFormValues, original: UseCaseContent): UpdateUseCase {
  const next = definitionOf(values);
  const before = definitionOf(valuesOf(original));
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(next) as (keyof typeof next)[]) {
    if (JSON.stringify(next[key]) !== JSON.stringify(before[key])) patch[key] = next[key];
  }
  return patch as UpdateUseCase;
}

const LONG_TEXT = 5000;

/**
 * The API's rules for a use case (CreateUseCaseDto), checked before sending so
 * mistakes show at once; keyed by the same dotted paths as the server's 422.
 */
export function validate(values: UseCaseFormValues, mode: 'create' | 'edit'): Record<string, string> {
  const errors: Record<string, string> = {};
  const text = (path: string, value: string, max: number, what: string, min = 1) => {
    const length = value.trim().length;
    if (length < min) errors[path] = `${what} is required`;
    else if (length > max) errors[path] = `${what} is at most ${max} characters (now ${length})`;
  };
  text('title', values.title, 200, 'A title');
  text('businessProblem', values.businessProblem, LONG_TEXT, 'The business problem');
  text('workflow.description', values.workflowDescription, LONG_TEXT, 'The workflow');
  if (values.components.length > 50) errors['workflow.components'] = 'At most 50 components';
  values.components.forEach((component, index) => {
    text(`workflow.components.${index}.name`, component.name, 200, 'A component name');
    text(`workflow.components.${index}.description`, component.description, 2000, 'The description', 0);
  });
  for (const field of ['inputs', 'outputs'] as const) {
    const items = lines(values[field]);
    if (items.length === 0) errors[field] = `Name at least one ${field === 'inputs' ? 'input' : 'output'}, one per line`;
    else if (items.length > 50) errors[field] = 'At most 50 lines';
    const tooLong = items.findIndex((item) => item.length > 500);
    if (tooLong >= 0) errors[`${field}.${tooLong}`] = 'Each line is at most 500 characters';
  }
  if (values.stakeholders.length === 0) errors.stakeholders = 'Name at least one stakeholder';
  if (values.stakeholders.length > 100) errors.stakeholders = 'At most 100 stakeholders';
  values.stakeholders.forEach((stakeholder, index) => {
    text(`stakeholders.${index}.name`, stakeholder.name, 200, 'A name');
    text(`stakeholders.${index}.objectives`, stakeholder.objectives, 2000, 'Their objectives');
  });
  text('intendedUse', values.intendedUse, LONG_TEXT, 'The intended use');
  text('foreseeableMisuse', values.foreseeableMisuse, LONG_TEXT, 'Foreseeable misuse');
  if (!values.aiRole) errors.aiRole = "Choose the organisation's AI role";
  if (mode === 'create') {
    if (!values.developerTeamId) errors.developerTeamId = 'Choose the developer team';
    if (!values.deployerTeamId) errors.deployerTeamId = 'Choose the deployer team';
  }
  return errors;
}

/** Messages for a list field and its items (`inputs`, `inputs.3`), in words: "Line 4: …". */
export function listError(errors: Record<string, string>, field: string): string | undefined {
  const messages = Object.entries(errors)
    .filter(([path]) => path === field || path.startsWith(`${field}.`))
    .map(([path, message]) => {
      const index = Number(path.slice(field.length + 1));
      return path === field || Number.isNaN(index) ? message : `Line ${index + 1}: ${message}`;
    });
  return messages.length ? messages.join('; ') : undefined;
}
