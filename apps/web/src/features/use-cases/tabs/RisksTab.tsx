import { Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import { formatDate } from '../../../components/format';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { TierBadge, WordBadge } from '../badges';
import { DANGER_COLOR, LIKELIHOOD_LABELS, RISK_CATEGORY_LABELS, RISK_STATUS_LABELS, ROLE_LABELS, SEVERITY_LABELS, TREATMENT_LABELS, type Risk } from '../labels';
import { useDirectory, useOutsideDeciderRoles, useRefreshUseCase } from '../queries';
import { THRESHOLDS_TEXT, whyTier } from '../tier';
import { RiskForm, type RiskBody } from './RiskForm';
import { TierOverride } from './TierOverride';
import type { TabProps } from './types';
import { AcceptanceForm } from './RiskAcceptanceForm';

type Editing = { kind: 'new' } | { kind: 'edit'; risk: Risk } | undefined;

/** The risk register: each risk's scores in words, its treatment and owner, its acceptance; the tier it gives and why. */
export function RisksTab({ useCase, canChange }: TabProps) {
  const [editing, setEditing] = useState<Editing>();
  const [removing, setRemoving] = useState<string>();
  const [accepting, setAccepting] = useState<string>();
  const refresh = useRefreshUseCase(useCase.id);
  const deciderRoles = useOutsideDeciderRoles(useCase);
  const directory = useDirectory();
  const id = useCase.id;

  const save = useMutation({
    mutationFn: async ({ riskId, body }: { riskId?: string; body: RiskBody }) =>
      riskId
        ? unwrap(await api.PUT('/api/use-cases/{id}/risks/{riskId}', { params: { path: { id, riskId } }, body }))
        : unwrap(await api.POST('/api/use-cases/{id}/risks', { params: { path: { id } }, body })),
    onSuccess: async () => {
      setEditing(undefined);
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: async (riskId: string) => unwrap(await api.DELETE('/api/use-cases/{id}/risks/{riskId}', { params: { path: { id, riskId } } })),
    onSuccess: async () => {
      setRemoving(undefined);
      await refresh();
    },
  });

  const treatments = new Map(useCase.riskTreatment.map((treatment) => [treatment.riskId, treatment]));
  const risks = useCase.content.risks;
  const mayAccept = deciderRoles.length > 0 && useCase.riskTreatment.some((treatment) => treatment.awaitingAcceptance);
  const withActions = canChange || mayAccept;

  return (
    <Stack gap="md">
      <Title order={2}>Risks</Title>
      <Paper withBorder p="sm" maw={900}>
        <Group gap="xs" mb={4}>
          <Text size="sm" fw={600}>
            The risk register gives:
          </Text>
          <TierBadge tier={useCase.derivedTier} />
          {useCase.content.tierOverride && (
            <>
              <Text size="sm">; in force by override:</Text>
              <TierBadge tier={useCase.tier} />
            </>
          )}
        </Group>
        <Text size="sm">{whyTier(risks)}</Text>
        <Text size="xs" c="dimmed" mt={4}>
          {THRESHOLDS_TEXT}
        </Text>
      </Paper>

      <TierOverride useCase={useCase} mayDecide={deciderRoles.length > 0 && useCase.stage !== 'retired'} />

      {canChange && !editing && (
        <Group>
          <Button
            onClick={() => {
              save.reset();
              setEditing({ kind: 'new' });
            }}
          >
            Add risk
          </Button>
        </Group>
      )}
      {editing && (
        <RiskForm
          key={editing.kind === 'edit' ? editing.risk.id : 'new'}
          risk={editing.kind === 'edit' ? editing.risk : undefined}
          submitting={save.isPending}
          error={save.error}
          onSubmit={(body) => save.mutate({ riskId: editing.kind === 'edit' ? editing.risk.id : undefined, body })}
          onCancel={() => setEditing(undefined)}
        />
      )}

      {risks.length === 0 ? (
        <Text c="dimmed" data-testid="empty-state">
          No risks recorded yet.{canChange ? ' Add the risks the team sees: their severity and likelihood decide the tier.' : ''}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table striped verticalSpacing="sm">
            <Table.Caption>
              {risks.length} risk{risks.length === 1 ? '' : 's'}; the score is the one the tier counts
            </Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Risk</Table.Th>
                <Table.Th scope="col">Severity</Table.Th>
                <Table.Th scope="col">Likelihood</Table.Th>
                <Table.Th scope="col">Score</Table.Th>
                <Table.Th scope="col">Treatment and owner</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
                <Table.Th scope="col">Acceptance</Table.Th>
                {withActions && <Table.Th scope="col">Actions</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {risks.map((risk) => {
                const treatment = treatments.get(risk.id);
                const short = risk.description.length > 40 ? `${risk.description.slice(0, 37)}…` : risk.description;
                return (
                  <Table.Tr key={risk.id}>
                    <Table.Td>
                      <Text size="sm">{risk.description}</Text>
                      <Text size="xs" c="dimmed">
                        {RISK_CATEGORY_LABELS[risk.category]}
                      </Text>
                      {risk.mitigation && (
                        <Text size="xs" mt={4}>
                          Mitigation: {risk.mitigation}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {risk.severity} — {SEVERITY_LABELS[risk.severity]}
                      {risk.residualSeverity != null && (
                        <Text size="xs" c="dimmed">
                          residual {risk.residualSeverity} — {SEVERITY_LABELS[risk.residualSeverity]}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {risk.likelihood} — {LIKELIHOOD_LABELS[risk.likelihood]}
                      {risk.residualLikelihood != null && (
                        <Text size="xs" c="dimmed">
                          residual {risk.residualLikelihood} — {LIKELIHOOD_LABELS[risk.residualLikelihood]}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {risk.status === 'closed' ? (
                        <Text size="sm">Not counted (closed)</Text>
                      ) : (
                        <Text size="sm">
                          {treatment?.score ?? risk.severity * risk.likelihood}
                          <Text span size="xs" c="dimmed">
                            {' '}
                            ({treatment?.scoredOn ?? 'inherent'})
                          </Text>
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {risk.treatment ? TREATMENT_LABELS[risk.treatment].split(':')[0] : 'Not decided'}
                      {risk.owner && (
                        <Text size="xs" c="dimmed">
                          Owner: {risk.owner}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{RISK_STATUS_LABELS[risk.status]}</Table.Td>
                    <Table.Td>
                      {treatment?.acceptance ? (
                        <Stack gap={2}>
                          <WordBadge tone="good">Accepted</WordBadge>
                          <Text size="xs">
                            by {directory.personName(treatment.acceptance.decidedBy)} as {ROLE_LABELS[treatment.acceptance.role]}, {formatDate(treatment.acceptance.decidedAt)}: “
                            {treatment.acceptance.comment}”
                          </Text>
                        </Stack>
                      ) : treatment?.awaitingAcceptance ? (
                        <WordBadge tone="warn">Awaiting acceptance</WordBadge>
                      ) : (
                        <Text size="sm">—</Text>
                      )}
                    </Table.Td>
                    {withActions && (
                      <Table.Td>
                        <Stack gap={4} align="flex-start">
                          {canChange && (
                            <>
                              <Button
                                size="xs"
                                variant="default"
                                aria-label={`Edit risk: ${short}`}
                                onClick={() => {
                                  save.reset();
                                  setEditing({ kind: 'edit', risk });
                                }}
                              >
                                Edit
                              </Button>
                              {removing === risk.id ? (
                                <Group gap={4}>
                                  <Button size="xs" color={DANGER_COLOR} autoFocus loading={remove.isPending} onClick={() => remove.mutate(risk.id)}>
                                    Confirm removal
                                  </Button>
                                  <Button size="xs" variant="default" onClick={() => setRemoving(undefined)}>
                                    Keep it
                                  </Button>
                                </Group>
                              ) : (
                                <Button
                                  size="xs"
                                  variant="subtle"
                                  color={DANGER_COLOR}
                                  aria-label={`Remove risk: ${short}`}
                                  onClick={() => {
                                    remove.reset();
                                    setRemoving(risk.id);
                                  }}
                                >
                                  Remove
                                </Button>
                              )}
                            </>
                          )}
                          {deciderRoles.length > 0 && treatment?.awaitingAcceptance && (
                            <Button size="xs" variant="default" aria-label={`Accept risk: ${short}`} onClick={() => setAccepting(risk.id)}>
                              Accept risk
                            </Button>
                          )}
                        </Stack>
                      </Table.Td>
                    )}
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ProblemAlert error={remove.error} title="The risk was not removed" />
      {accepting && (
        <AcceptanceForm
          useCaseId={id}
          risk={risks.find((risk) => risk.id === accepting)}
          roles={deciderRoles}
          onDone={() => setAccepting(undefined)}
        />
      )}
    </Stack>
  );
}
