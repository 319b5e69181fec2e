import { Button, Checkbox, Group, NativeSelect, Paper, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useId, useState, type FormEvent } from 'react';
import type { Schema } from '../../../api/client';
import { fieldErrors } from '../../../api/problems';
import { ProblemAlert } from '../../../components/ProblemAlert';
import {
  LIKELIHOOD_LABELS,
  RISK_CATEGORIES,
  RISK_CATEGORY_LABELS,
  SEVERITY_LABELS,
  TIER_LABELS,
  TREATMENT_LABELS,
  TREATMENTS,
  type Risk,
  type RiskCategory,
  type Treatment,
} from '../labels';
import { tierOfScore } from '../tier';
import { HELP_BELOW } from '../UseCaseForm';

export type RiskBody = Schema<'RiskDto'>;

interface RiskValues {
  description: string;
  category: RiskCategory | '';
  severity: string;
  likelihood: string;
  mitigation: string;
  treatment: Treatment | '';
  owner: string;
  status: 'open' | 'mitigating' | 'closed';
  residual: boolean;
  residualSeverity: string;
  residualLikelihood: string;
}

function valuesOf(risk?: Risk): RiskValues {
  return {
    description: risk?.description ?? '',
    category: risk?.category ?? '',
    severity: risk ? String(risk.severity) : '',
    likelihood: risk ? String(risk.likelihood) : '',
    mitigation: risk?.mitigation ?? '',
    treatment: risk?.treatment ?? '',
    owner: risk?.owner ?? '',
    // `accepted` is what an acceptance records, never the team: an old accepted risk is edited as open.
    status: risk && risk.status !== 'accepted' ? risk.status : 'open',
    residual: risk?.residualSeverity != null,
    residualSeverity: risk?.residualSeverity != null ? String(risk.residualSeverity) : '',
    residualLikelihood: risk?.residualLikelihood != null ? String(risk.residualLikelihood) : '',
  };
}

function bodyOf(values: RiskValues): RiskBody {
  return {
    description: values.description.trim(),
    category: values.category as RiskCategory,
    severity: Number(values.severity),
    likelihood: Number(values.likelihood),
    ...(values.mitigation.trim() ? { mitigation: values.mitigation.trim() } : {}),
    ...(values.treatment ? { treatment: values.treatment } : {}),
    ...(values.owner.trim() ? { owner: values.owner.trim() } : {}),
    ...(values.residual ? { residualSeverity: Number(values.residualSeverity), residualLikelihood: Number(values.residualLikelihood) } : {}),
    status: values.status,
  };
}

/** The API's RiskDto rules, keyed by the same field names as its 422. */
function validate(values: RiskValues): Record<string, string> {
  const errors: Record<string, string> = {};
  const description = values.description.trim();
  if (!description) errors.description = 'Describe the risk';
  else if (description.length > 2000) errors.description = `At most 2000 characters (now ${description.length})`;
  if (!values.category) errors.category = 'Choose a category';
  if (!values.severity) errors.severity = 'Choose a severity from 1 to 5';
  if (!values.likelihood) errors.likelihood = 'Choose a likelihood from 1 to 5';
  if (values.mitigation.trim().length > 2000) errors.mitigation = 'At most 2000 characters';
  if (values.treatment && !values.owner.trim()) errors.owner = 'A treatment needs an owner: who answers for the risk';
  if (values.owner.trim().length > 200) errors.owner = 'At most 200 characters';
  if (values.residual && (!values.residualSeverity || !values.residualLikelihood)) {
    errors[values.residualSeverity ? 'residualLikelihood' : 'residualSeverity'] = 'Residual severity and likelihood are given together';
  }
  return errors;
}

const scaleOptions = (labels: Record<number, string>, placeholder: string) => [
  { value: '', label: placeholder },
  ...[1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: `${n} — ${labels[n]}` })),
];

interface Props {
  risk?: Risk;
  submitting: boolean;
  error: unknown;
  onSubmit: (body: RiskBody) => void;
  onCancel: () => void;
}

/** Adding or editing one risk: severity and likelihood 1–5 in words, the score and the tier it alone would give, treatment with its owner. */
export function RiskForm({ risk, submitting, error, onSubmit, onCancel }: Props) {
  const [values, setValues] = useState(() => valuesOf(risk));
  const [attempted, setAttempted] = useState(false);
  const headingId = useId();
  const local = attempted ? validate(values) : {};
  const errors = { ...local, ...fieldErrors(error) };
  const set = <K extends keyof RiskValues>(key: K, value: RiskValues[K]) => setValues((current) => ({ ...current, [key]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (Object.keys(validate(values)).length > 0) return;
    onSubmit(bodyOf(values));
  };

  const severity = Number(values.residual && values.residualSeverity ? values.residualSeverity : values.severity);
  const likelihood = Number(values.residual && values.residualLikelihood ? values.residualLikelihood : values.likelihood);
  const scored = severity > 0 && likelihood > 0;

  return (
    <Paper withBorder p="md" maw={820} component="section" aria-labelledby={headingId}>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Title order={3} id={headingId}>
            {risk ? 'Edit risk' : 'New risk'}
          </Title>
          <Textarea
            label="Description"
            required
            autosize
            minRows={2}
            description="What could go wrong, and for whom: for example bias in the data or the model, over-reliance on inaccurate output, or misuse."
            inputWrapperOrder={HELP_BELOW}
            value={values.description}
            onChange={(event) => set('description', event.currentTarget.value)}
            error={errors.description}
          />
          <NativeSelect
            label="Category"
            required
            description="The responsible-AI dimension of the guide that the risk touches."
            inputWrapperOrder={HELP_BELOW}
            value={values.category}
            onChange={(event) => set('category', event.currentTarget.value as RiskCategory | '')}
            error={errors.category}
            data={[{ value: '', label: 'Choose…' }, ...RISK_CATEGORIES.map((value) => ({ value, label: RISK_CATEGORY_LABELS[value] }))]}
          />
          <Group grow align="flex-start">
            <NativeSelect
              label="Severity"
              required
              description="How serious the harm would be if it happened."
              inputWrapperOrder={HELP_BELOW}
              value={values.severity}
              onChange={(event) => set('severity', event.currentTarget.value)}
              error={errors.severity}
              data={scaleOptions(SEVERITY_LABELS, 'Choose 1 to 5…')}
            />
            <NativeSelect
              label="Likelihood"
              required
              description="How likely it is to happen."
              inputWrapperOrder={HELP_BELOW}
              value={values.likelihood}
              onChange={(event) => set('likelihood', event.currentTarget.value)}
              error={errors.likelihood}
              data={scaleOptions(LIKELIHOOD_LABELS, 'Choose 1 to 5…')}
            />
          </Group>
          <Textarea
            label="Mitigation"
            autosize
            minRows={2}
            description="What the team does to lower the risk. Optional."
            inputWrapperOrder={HELP_BELOW}
            value={values.mitigation}
            onChange={(event) => set('mitigation', event.currentTarget.value)}
            error={errors.mitigation}
          />
          <Checkbox
            label="Record the residual scores, after mitigation"
            description="Once recorded, the tier counts the residual scores instead of the inherent ones."
            checked={values.residual}
            onChange={(event) => set('residual', event.currentTarget.checked)}
          />
          {values.residual && (
            <Group grow align="flex-start">
              <NativeSelect
                label="Residual severity"
                required
                value={values.residualSeverity}
                onChange={(event) => set('residualSeverity', event.currentTarget.value)}
                error={errors.residualSeverity}
                data={scaleOptions(SEVERITY_LABELS, 'Choose 1 to 5…')}
              />
              <NativeSelect
                label="Residual likelihood"
                required
                value={values.residualLikelihood}
                onChange={(event) => set('residualLikelihood', event.currentTarget.value)}
                error={errors.residualLikelihood}
                data={scaleOptions(LIKELIHOOD_LABELS, 'Choose 1 to 5…')}
              />
            </Group>
          )}
          <Text size="sm" aria-live="polite" data-testid="risk-score">
            {scored
              ? `Score counted for the tier: ${severity} × ${likelihood} = ${severity * likelihood}${values.residual ? ' (residual)' : ''}. On its own this risk gives the tier ${TIER_LABELS[tierOfScore(severity, severity * likelihood)].toLowerCase()}.`
              : 'Choose severity and likelihood to see the score.'}
          </Text>
          <Group grow align="flex-start">
            <NativeSelect
              label="Treatment"
              description="How the risk is handled. Accepting it needs a decision by legal or an assessor outside the team before any gate passes."
              inputWrapperOrder={HELP_BELOW}
              value={values.treatment}
              onChange={(event) => set('treatment', event.currentTarget.value as Treatment | '')}
              error={errors.treatment}
              data={[{ value: '', label: 'Not decided yet' }, ...TREATMENTS.map((value) => ({ value, label: TREATMENT_LABELS[value] }))]}
            />
            <TextInput
              label="Owner"
              required={Boolean(values.treatment)}
              description="Who answers for the risk, a person or a role. Required once a treatment is chosen."
              inputWrapperOrder={HELP_BELOW}
              value={values.owner}
              onChange={(event) => set('owner', event.currentTarget.value)}
              error={errors.owner}
              maxLength={200}
            />
          </Group>
          <NativeSelect
            label="Status"
            description="A closed risk no longer counts towards the tier."
            inputWrapperOrder={HELP_BELOW}
            value={values.status}
            onChange={(event) => set('status', event.currentTarget.value as RiskValues['status'])}
            error={errors.status}
            data={[
              { value: 'open', label: 'Open' },
              { value: 'mitigating', label: 'Being mitigated' },
              { value: 'closed', label: 'Closed' },
            ]}
          />
          <ProblemAlert error={error} title="The risk was not saved" />
          <Group>
            <Button type="submit" loading={submitting}>
              Save risk
            </Button>
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
