import { Anchor, Box, Group, List, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { formatDateTime } from '../../../components/format';
import { WordBadge } from '../badges';
import { AI_ROLE_LABELS, forwardGate, GATE_LABELS } from '../labels';
import { useDirectory } from '../queries';
import { ASSESSMENT_STATE_LABELS } from './assessment';
import type { TabProps } from './types';

/** The use case as registered: the guide's "define use case" fields, its teams, and where it stands. */
export function OverviewTab({ useCase, canChange }: TabProps) {
  const directory = useDirectory();
  const { content } = useCase;
  const base = `/use-cases/${useCase.id}`;
  const gate = forwardGate(useCase.stage);
  const assessment = useCase.impactAssessment;

  return (
    <Stack gap="lg" maw={900}>
      <Group justify="space-between">
        <Title order={2}>Overview</Title>
        {canChange && (
          <Anchor component={Link} to={`${base}/edit`}>
            Edit the description
          </Anchor>
        )}
      </Group>

      <Box component="dl" m={0}>
        <Field term="Business problem">{content.businessProblem}</Field>
        <Field term="Workflow">
          <Text style={{ whiteSpace: 'pre-wrap' }}>{content.workflow.description}</Text>
          {content.workflow.components.length > 0 && (
            <List size="sm" mt="xs">
              {content.workflow.components.map((component, index) => (
                <List.Item key={index}>
                  <strong>{component.name}</strong>
                  {component.description ? `: ${component.description}` : ''}
                </List.Item>
              ))}
            </List>
          )}
        </Field>
        <Field term="Inputs">
          <List size="sm">
            {content.inputs.map((input, index) => (
              <List.Item key={index}>{input}</List.Item>
            ))}
          </List>
        </Field>
        <Field term="Outputs">
          <List size="sm">
            {content.outputs.map((output, index) => (
              <List.Item key={index}>{output}</List.Item>
            ))}
          </List>
        </Field>
        <Field term="Stakeholders">
          <Table withTableBorder maw={800}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Who</Table.Th>
                <Table.Th scope="col">Objectives</Table.Th>
                <Table.Th scope="col">Affected without being a user</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {content.stakeholders.map((stakeholder, index) => (
                <Table.Tr key={index}>
                  <Table.Td>{stakeholder.name}</Table.Td>
                  <Table.Td>{stakeholder.objectives}</Table.Td>
                  <Table.Td>{stakeholder.affectedNonUser ? 'Yes' : 'No'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Field>
        <Field term="Intended use">{content.intendedUse}</Field>
        <Field term="Foreseeable misuse">{content.foreseeableMisuse}</Field>
        <Field term="AI role">{AI_ROLE_LABELS[content.aiRole]}</Field>
        <Field term="Developer team">{directory.teamName(content.developerTeamId)}</Field>
        <Field term="Deployer team">{directory.teamName(content.deployerTeamId)}</Field>
        <Field term="Registered">
          {formatDateTime(useCase.createdAt)} by {directory.personName(useCase.createdBy)}
        </Field>
      </Box>

      <Stack gap="xs">
        <Title order={3}>Where it stands</Title>
        <Text size="sm">
          {gate ? (
            <>
              Next gate: <strong>{GATE_LABELS[gate]}</strong>.{' '}
              <Anchor component={Link} to={`${base}/checklist`}>
                See what it asks for
              </Anchor>{' '}
              or{' '}
              <Anchor component={Link} to={`${base}/reviews`}>
                open its review
              </Anchor>
              .
            </>
          ) : (
            'Retired: no gate is open to it.'
          )}
        </Text>
        <Group gap="xs">
          <Text size="sm">Impact assessment:</Text>
          <WordBadge tone={assessment.state === 'approved' ? 'good' : assessment.state === 'stale' ? 'warn' : 'neutral'}>
            {ASSESSMENT_STATE_LABELS[assessment.state]}
          </WordBadge>
          <Anchor component={Link} to={`${base}/impact-assessment`} size="sm">
            Open the impact assessment
          </Anchor>
        </Group>
        {assessment.reasons.length > 0 && (
          <List size="sm">
            {assessment.reasons.map((reason) => (
              <List.Item key={reason}>{reason}</List.Item>
            ))}
          </List>
        )}
        {useCase.riskTreatment.some((treatment) => treatment.awaitingAcceptance) && (
          <Text size="sm">
            Some risks are treated by acceptance and wait for someone outside the team to accept them.{' '}
            <Anchor component={Link} to={`${base}/risks`}>
              See the risks
            </Anchor>
          </Text>
        )}
      </Stack>
    </Stack>
  );
}

function Field({ term, children }: { term: string; children: ReactNode }) {
  return (
    <Box mb="sm">
      <Text component="dt" fw={600} size="sm">
        {term}
      </Text>
      <Box component="dd" ml={0} style={{ whiteSpace: typeof children === 'string' ? 'pre-wrap' : undefined }}>
        {children}
      </Box>
    </Box>
  );
}
