import { Box, Button, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap, type Schema } from '../../../api/client';
import { fieldErrors, problemCode } from '../../../api/problems';
import { formatDateTime } from '../../../components/format';
import { QueryState } from '../../../components/PageState';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { WordBadge } from '../badges';
import { ROLE_LABELS, type UseCaseDetail } from '../labels';
import { keys, useDirectory, useRefreshUseCase } from '../queries';
import { ASSESSMENT_STATE_LABELS, ASSESSMENT_STATUS_LABELS, type ImpactAssessment, type TemplateDocument, type TemplateQuestion } from './assessment';
import { answerText, AssessmentQuestionInput, isAnswered, questionError } from './AssessmentQuestion';
import type { TabProps } from './types';
import { Notice } from '../Notice';
import { Decisions } from './AssessmentDecisions';

type Template = Schema<'AssessmentTemplateResponse'>;

function useAssessment(useCaseId: string) {
  return useQuery({
    queryKey: keys.assessment(useCaseId),
    queryFn: async () => {
      const result = await api.GET('/api/use-cases/{id}/impact-assessment', { params: { path: { id: useCaseId } } });
      // No assessment yet is a 404 about the assessment; the use case itself was just read.
      if (result.response.status === 404) return null;
      return unwrap(result);
    },
  });
}

function useTemplate(version: number | 'current') {
  const client = useQueryClient();
  return useQuery({
    queryKey: keys.template(version),
    queryFn: async () => {
      if (version !== 'current') return unwrap(await api.GET('/api/assessment-templates/{version}', { params: { path: { version } } }));
      const current = unwrap(await api.GET('/api/assessment-templates/current'));
      // Published versions never change: the current one is also that version, so a first save does not load it again.
      client.setQueryData(keys.template(current.version), current);
      return current;
    },
    staleTime: 5 * 60_000,
  });
}

/** The impact assessment: the template's questions with the team's answers, saved as revisions, submitted, and decided outside the team. */
export function ImpactAssessmentTab({ useCase, canChange }: TabProps) {
  const assessment = useAssessment(useCase.id);
  return (
    <Stack gap="md">
      <Title order={2}>Impact assessment</Title>
      <QueryState query={assessment} label="Loading the impact assessment">
        {(current) => <WithTemplate useCase={useCase} canChange={canChange} assessment={current} />}
      </QueryState>
    </Stack>
  );
}

function WithTemplate({ useCase, canChange, assessment }: TabProps & { assessment: ImpactAssessment | null }) {
  const latest = useTemplate('current');
  const [moveToLatest, setMoveToLatest] = useState(false);
  // The form keeps what is typed across its own saves; it starts afresh from the server's answers only when asked to (after someone else saved).
  const [reloads, setReloads] = useState(0);
  const version = assessment && !moveToLatest ? assessment.templateVersion : 'current';
  const template = useTemplate(version);
  return (
    <QueryState query={template} label="Loading the assessment template">
      {(loaded) => (
        <Stack gap="md">
          <Standing useCase={useCase} assessment={assessment} />
          {assessment && latest.data && latest.data.version !== assessment.templateVersion && !moveToLatest && (
            <Notice title="A newer template exists" accent="#495057">
              <Text size="sm">
                This assessment answers template version {assessment.templateVersion}; version {latest.data.version} is current. Gates may ask for the current one.
              </Text>
              {canChange && (
                <Box mt="xs">
                  <Button size="xs" variant="default" onClick={() => setMoveToLatest(true)}>
                    Answer on version {latest.data.version}
                  </Button>
                </Box>
              )}
            </Notice>
          )}
          <AnswersForm
            key={`${loaded.version}:${reloads}`}
            useCase={useCase}
            canChange={canChange}
            assessment={assessment}
            template={loaded}
            onReload={() => setReloads((count) => count + 1)}
          />
          {assessment && <Decisions useCase={useCase} assessment={assessment} />}
        </Stack>
      )}
    </QueryState>
  );
}

function Standing({ useCase, assessment }: { useCase: UseCaseDetail; assessment: ImpactAssessment | null }) {
  const directory = useDirectory();
  const standing = assessment?.standing ?? { state: useCase.impactAssessment.state, reasons: useCase.impactAssessment.reasons };
  return (
    <Paper withBorder p="sm" maw={900}>
      <Stack gap={4}>
        <Group gap="xs">
          <Text size="sm" fw={600}>
            Standing:
          </Text>
          <WordBadge tone={standing.state === 'approved' ? 'good' : standing.state === 'stale' ? 'warn' : 'neutral'}>{ASSESSMENT_STATE_LABELS[standing.state]}</WordBadge>
          {assessment && (
            <>
              <Text size="sm" fw={600}>
                Working revision {assessment.revision}:
              </Text>
              <WordBadge>{ASSESSMENT_STATUS_LABELS[assessment.status]}</WordBadge>
              <Text size="xs" c="dimmed">
                template version {assessment.templateVersion}
              </Text>
            </>
          )}
        </Group>
        {standing.reasons.length > 0 && (
          <List size="sm">
            {standing.reasons.map((reason) => (
              <List.Item key={reason}>{reason}</List.Item>
            ))}
          </List>
        )}
        {!assessment && <Text size="sm">No assessment has been started. The team answers the questions below and saves a draft.</Text>}
        {assessment?.submitted && (
          <Text size="sm">
            Submitted by {directory.personName(assessment.submitted.by)} on {formatDateTime(assessment.submitted.at)} (use case revision {assessment.submitted.useCaseRevision}).
          </Text>
        )}
        {assessment?.approval && (
          <Text size="sm">
            Approval in force: revision {assessment.approval.revision}, by {directory.personName(assessment.approval.decidedBy)} as {ROLE_LABELS[assessment.approval.role]} on{' '}
            {formatDateTime(assessment.approval.decidedAt)}.
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

function AnswersForm({
  useCase,
  canChange,
  assessment,
  template,
  onReload,
}: TabProps & { assessment: ImpactAssessment | null; template: Template; onReload: () => void }) {
  const document = template.document as unknown as TemplateDocument;
  const questions = document.sections.flatMap((section) => section.questions);
  const [answers, setAnswers] = useState<Record<string, unknown>>(() => ({ ...(assessment?.answers ?? {}) }));
  const [dirty, setDirty] = useState(false);
  const [notice, setNotice] = useState<string>();
  const client = useQueryClient();
  const refresh = useRefreshUseCase(useCase.id);

  const body = () => ({
    templateVersion: template.version,
    basedOnRevision: assessment?.revision ?? 0,
    answers: Object.fromEntries(
      questions
        .filter((question) => isAnswered(answers[question.id]))
        .map((question) => {
          const value = answers[question.id];
          return [question.id, typeof value === 'string' ? value.trim() : value];
        }),
    ),
  });

  const afterChange = async (saved: ImpactAssessment) => {
    client.setQueryData(keys.assessment(useCase.id), saved);
    await refresh();
  };

  const save = useMutation({
    mutationFn: async () => unwrap(await api.PUT('/api/use-cases/{id}/impact-assessment', { params: { path: { id: useCase.id } }, body: body() })),
    onSuccess: async (saved) => {
      setNotice(`Saved as revision ${saved.revision}, a draft.`);
      await afterChange(saved);
    },
  });
  const submit = useMutation({
    mutationFn: async () => {
      // Unsaved answers are saved first, so what is submitted is what is on the screen.
      let revision = assessment?.revision ?? 0;
      if (dirty || !assessment) revision = unwrap(await api.PUT('/api/use-cases/{id}/impact-assessment', { params: { path: { id: useCase.id } }, body: body() })).revision;
      return unwrap(await api.POST('/api/use-cases/{id}/impact-assessment/submit', { params: { path: { id: useCase.id } }, body: { revision } }));
    },
    onSuccess: async (submitted) => {
      setNotice(`Revision ${submitted.revision} was submitted: legal or an assessor outside the team decides on it.`);
      await afterChange(submitted);
    },
    onError: async () => {
      // A save may have gone through before the submit was refused.
      await client.invalidateQueries({ queryKey: keys.assessment(useCase.id) });
    },
  });

  const error = save.error ?? submit.error;
  const errors = fieldErrors(error);
  const stale = problemCode(error) === 'assessment-revision-stale';

  if (!canChange) {
    return (
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          {document.name}, version {template.version}. Only the use case's team answers it.
        </Text>
        {document.sections.map((section) => (
          <Box key={section.id} component="section">
            <Title order={3} mb="xs">
              {section.title}
            </Title>
            <Box component="dl" m={0}>
              {section.questions.map((question) => (
                <Box key={question.id} mb="sm">
                  <Text component="dt" fw={600} size="sm">
                    {question.text}
                  </Text>
                  <Text component="dd" ml={0} size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                    {answerText(question, assessment?.answers[question.id])}
                  </Text>
                </Box>
              ))}
            </Box>
          </Box>
        ))}
      </Stack>
    );
  }

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setNotice(undefined);
    save.mutate(undefined, { onSuccess: () => setDirty(false) });
  };
  const setAnswer = (question: TemplateQuestion, value: unknown) => {
    setDirty(true);
    setNotice(undefined);
    setAnswers((current) => {
      const next = { ...current };
      if (value === undefined) delete next[question.id];
      else next[question.id] = value;
      return next;
    });
  };
  const canSubmit = !assessment || assessment.status === 'draft' || dirty;

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Impact assessment answers">
      <Stack gap="lg" maw={900}>
        <Text size="sm" c="dimmed">
          {document.name}, version {template.version}
          {document.source ? ` (from ${document.source})` : ''}. Each save is a revision; submitting asks for a decision outside the team. Changing the intended use,
          stakeholders, inputs or outputs, or a higher tier, makes an approval stale.
        </Text>
        {document.sections.map((section) => (
          <Box key={section.id} component="section">
            <Title order={3} mb="xs">
              {section.title}
            </Title>
            <Stack gap="md">
              {section.questions.map((question) => (
                <Box key={question.id}>
                  <AssessmentQuestionInput
                    question={question}
                    value={answers[question.id]}
                    error={questionError(errors, question.id)}
                    onChange={(value) => setAnswer(question, value)}
                  />
                  {question.guide?.length ? (
                    <Text size="xs" c="dimmed" mt={2}>
                      Guide: {question.guide.join('; ')}
                      {question.controls?.length ? ` · ISO/IEC 42001 ${question.controls.join(', ')}` : ''}
                    </Text>
                  ) : null}
                </Box>
              ))}
            </Stack>
          </Box>
        ))}

        {assessment && assessment.unanswered.length > 0 && (
          <Box>
            <Text size="sm" fw={600}>
              Required questions not answered in the saved revision ({assessment.unanswered.length}):
            </Text>
            <List size="sm">
              {assessment.unanswered.map((id) => (
                <List.Item key={id}>{questions.find((question) => question.id === id)?.text ?? id}</List.Item>
              ))}
            </List>
          </Box>
        )}
        {notice && (
          <Text size="sm" role="status">
            {notice}
          </Text>
        )}
        <ProblemAlert error={error} title={submit.error ? 'The assessment was not submitted' : 'The answers were not saved'} />
        {stale && (
          <Group>
            <Button
              variant="default"
              onClick={async () => {
                await client.invalidateQueries({ queryKey: keys.assessment(useCase.id) });
                onReload();
              }}
            >
              Reload the assessment
            </Button>
          </Group>
        )}
        <Group>
          <Button type="submit" loading={save.isPending} disabled={submit.isPending}>
            Save draft
          </Button>
          <Button variant="default" loading={submit.isPending} disabled={save.isPending || !canSubmit} onClick={() => submit.mutate(undefined, { onSuccess: () => setDirty(false) })}>
            Submit for approval
          </Button>
          {dirty && (
            <Text size="xs" c="dimmed">
              Unsaved changes
            </Text>
          )}
        </Group>
      </Stack>
    </form>
  );
}
