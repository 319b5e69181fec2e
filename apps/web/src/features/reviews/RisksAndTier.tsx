import { Group, Stack, Table, Text } from '@mantine/core';
import type { Schema } from '../../api/client';
import { formatDate } from '../../components/format';
import { TierBadge, WordBadge } from './badges';
import { RISK_CATEGORY_LABELS, RISK_STATUS_LABELS, ROLE_LABELS, TIER_LABELS, TREATMENT_LABELS, type Review, type Risk, type UseCaseContent } from './labels';
import type { People } from './queries';

type UseCaseDetail = Schema<'UseCaseDetailResponse'>;
type Treatment = Schema<'RiskTreatmentResponse'>;

/**
 * The risk register as reviewed (at the pinned revision): each risk's severity ×
 * likelihood, inherent and residual, the score the tier counts, treatment and
 * owner; and the tier — the review's, the one in force now, and any override.
 */
export function RisksAndTier({ review, content, detail, people }: { review: Review; content: UseCaseContent; detail: UseCaseDetail | undefined; people: People }) {
  // Treatments and acceptances are the use case's as it stands now; they describe the reviewed risks only while it is still at that revision.
  const current = detail && detail.revision === review.revision ? new Map(detail.riskTreatment.map((t) => [t.riskId, t])) : undefined;
  return (
    <Stack gap="md">
      <TierSummary review={review} content={content} detail={detail} />
      {content.risks.length === 0 ? (
        <Text size="sm">No risks are recorded at revision {review.revision}: the derived tier is minimal.</Text>
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table verticalSpacing="sm" striped aria-label={`Risks at revision ${review.revision}`}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Risk</Table.Th>
                <Table.Th scope="col">Category</Table.Th>
                <Table.Th scope="col">Severity × likelihood</Table.Th>
                <Table.Th scope="col">Residual</Table.Th>
                <Table.Th scope="col">Score the tier counts</Table.Th>
                <Table.Th scope="col">Treatment and owner</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {content.risks.map((risk) => (
                <RiskRow key={risk.id} risk={risk} treatment={current?.get(risk.id)} people={people} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

function TierSummary({ review, content, detail }: { review: Review; content: UseCaseContent; detail: UseCaseDetail | undefined }) {
  return (
    <Stack gap={6}>
      <Group gap="xs">
        <Text size="sm" fw={600}>
          This review is for the tier:
        </Text>
        <TierBadge tier={review.tier} />
        <Text size="sm" c="dimmed">
          (its slots and requirements are that tier’s)
        </Text>
      </Group>
      {detail && (
        <Group gap="xs">
          <Text size="sm" fw={600}>
            The use case’s tier now:
          </Text>
          <TierBadge tier={detail.tier} />
          <Text size="sm">
            {detail.tier === detail.derivedTier ? 'derived from its risks' : `the risks alone give ${TIER_LABELS[detail.derivedTier].toLowerCase()}`}
          </Text>
        </Group>
      )}
      {content.tierOverride ? (
        <Text size="sm" data-testid="tier-override">
          <strong>Tier override at revision {review.revision}:</strong> {TIER_LABELS[content.tierOverride.tier]}. Justification:{' '}
          {content.tierOverride.justification}
        </Text>
      ) : (
        <Text size="sm">No tier override at revision {review.revision}.</Text>
      )}
    </Stack>
  );
}

/** The score the tier counts: residual once both residual values are recorded, else inherent; closed risks count for nothing. */
function countedScore(risk: Risk): { score: number; on: 'residual' | 'inherent' } {
  if (risk.residualSeverity != null && risk.residualLikelihood != null) return { score: risk.residualSeverity * risk.residualLikelihood, on: 'residual' };
  return { score: risk.severity * risk.likelihood, on: 'inherent' };
}

function RiskRow({ risk, treatment, people }: { risk: Risk; treatment: Treatment | undefined; people: People }) {
  const counted = countedScore(risk);
  const chosen = treatment?.treatment ?? risk.treatment ?? null;
  const owner = treatment?.owner ?? risk.owner;
  return (
    <Table.Tr>
      <Table.Td style={{ verticalAlign: 'top' }}>
        <Text size="sm">{risk.description}</Text>
        {risk.mitigation && (
          <Text size="xs" c="dimmed" mt={2}>
            Mitigation: {risk.mitigation}
          </Text>
        )}
      </Table.Td>
      <Table.Td style={{ verticalAlign: 'top' }}>{RISK_CATEGORY_LABELS[risk.category] ?? risk.category}</Table.Td>
      <Table.Td style={{ verticalAlign: 'top' }}>
        <Text size="sm">
          {risk.severity} × {risk.likelihood} = {risk.severity * risk.likelihood}
        </Text>
      </Table.Td>
      <Table.Td style={{ verticalAlign: 'top' }}>
        <Text size="sm">
          {risk.residualSeverity != null && risk.residualLikelihood != null
            ? `${risk.residualSeverity} × ${risk.residualLikelihood} = ${risk.residualSeverity * risk.residualLikelihood}`
            : 'Not assessed'}
        </Text>
      </Table.Td>
      <Table.Td style={{ verticalAlign: 'top' }}>
        {risk.status === 'closed' ? (
          <Text size="sm">None: the risk is closed</Text>
        ) : (
          <Text size="sm">
            {counted.score} ({counted.on})
          </Text>
        )}
      </Table.Td>
      <Table.Td style={{ verticalAlign: 'top' }}>
        <Text size="sm">{chosen ? TREATMENT_LABELS[chosen] : 'No treatment recorded'}</Text>
        {owner && (
          <Text size="xs" c="dimmed">
            Owner: {owner}
          </Text>
        )}
      </Table.Td>
      <Table.Td style={{ verticalAlign: 'top' }}>
        <Stack gap={4} align="flex-start">
          <Text size="sm">{RISK_STATUS_LABELS[risk.status]}</Text>
          {treatment?.acceptance && (
            <Text size="xs">
              Accepted by {people.personName(treatment.acceptance.decidedBy)} as {ROLE_LABELS[treatment.acceptance.role]} on {formatDate(treatment.acceptance.decidedAt)}
            </Text>
          )}
          {treatment?.awaitingAcceptance && <WordBadge tone="warn">Awaiting acceptance</WordBadge>}
        </Stack>
      </Table.Td>
    </Table.Tr>
  );
}
