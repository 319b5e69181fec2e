import { Anchor, List, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { QueryState } from '../../../components/PageState';
import { evidenceKindLabel, GATE_LABELS, ROLE_LABELS, TIER_LABELS, type Gate, type UseCaseDetail } from '../labels';
import { useGatePolicy, type GatePolicy, type GateRequirements } from '../queries';
import { ASSESSMENT_STATE_LABELS } from './assessment';

/** What the current gate policy asks of a gate at the use case's tier; undefined for a prohibited use case (no gate passes). */
export function requirementsFor(policy: GatePolicy, gate: Gate, tier: UseCaseDetail['tier']): GateRequirements | undefined {
  if (tier === 'prohibited') return undefined;
  return policy.document.gates[gate][tier] as GateRequirements;
}

/**
 * What a gate asks for at this tier under the current policy, each item said
 * done or missing in words, with a link to the section that provides it.
 * A preview: the server checks again when the review opens and when it passes.
 */
export function GateRequirementsSummary({ useCase, gate, headingLevel = 3 }: { useCase: UseCaseDetail; gate: Gate; headingLevel?: 3 | 4 }) {
  const policy = useGatePolicy();
  const base = `/use-cases/${useCase.id}`;
  return (
    <Stack gap="xs">
      <Title order={headingLevel}>
        What the {GATE_LABELS[gate].toLowerCase()} gate asks for at {TIER_LABELS[useCase.tier].toLowerCase()}
      </Title>
      <QueryState query={policy} label="Loading the gate policy">
        {(current) => {
          const requirements = requirementsFor(current, gate, useCase.tier);
          if (!requirements) return <Text size="sm">A prohibited use case passes no gate.</Text>;
          const kinds = new Set(useCase.content.evidence.map((evidence) => evidence.kind));
          const answered = requirements.checklist.filter((item) => Object.hasOwn(useCase.content.checklist, item)).length;
          const awaiting = useCase.riskTreatment.filter((treatment) => treatment.awaitingAcceptance).length;
          return (
            <List size="sm" spacing={4}>
              <List.Item>
                Sign-offs:{' '}
                {requirements.signOffs.length
                  ? requirements.signOffs.map((slot) => `${ROLE_LABELS[slot.role]}${slot.quorum > 1 ? ` × ${slot.quorum}` : ''}`).join(', ')
                  : 'none'}{' '}
                <Text span size="xs" c="dimmed">
                  (gate policy version {current.version})
                </Text>
              </List.Item>
              <List.Item>
                Evidence:{' '}
                {requirements.evidence.length === 0
                  ? 'none required'
                  : requirements.evidence.map((item, index) => (
                      <span key={item.kind}>
                        {index > 0 && ', '}
                        {evidenceKindLabel(item.kind)} ({kinds.has(item.kind) ? 'attached' : 'missing'})
                      </span>
                    ))}
                {requirements.evidence.some((item) => !kinds.has(item.kind)) && (
                  <>
                    {' — '}
                    <Anchor component={Link} to={`${base}/evidence`} size="sm">
                      attach evidence
                    </Anchor>
                  </>
                )}
              </List.Item>
              <List.Item>
                Checklist: {answered} of {requirements.checklist.length} required items answered
                {answered < requirements.checklist.length && (
                  <>
                    {' — '}
                    <Anchor component={Link} to={`${base}/checklist?gate=${gate}`} size="sm">
                      answer the checklist
                    </Anchor>
                  </>
                )}
              </List.Item>
              <List.Item>
                Impact assessment:{' '}
                {requirements.impactAssessment ? (
                  <>
                    required, approved and current — now {ASSESSMENT_STATE_LABELS[useCase.impactAssessment.state].toLowerCase()}
                    {useCase.impactAssessment.state !== 'approved' && (
                      <>
                        {' — '}
                        <Anchor component={Link} to={`${base}/impact-assessment`} size="sm">
                          work on the assessment
                        </Anchor>
                      </>
                    )}
                  </>
                ) : (
                  'not required'
                )}
              </List.Item>
              {gate !== 'retire' && awaiting > 0 && (
                <List.Item>
                  Risk acceptances: {awaiting} risk{awaiting === 1 ? '' : 's'} treated by acceptance still {awaiting === 1 ? 'waits' : 'wait'} to be accepted —{' '}
                  <Anchor component={Link} to={`${base}/risks`} size="sm">
                    see the risks
                  </Anchor>
                </List.Item>
              )}
            </List>
          );
        }}
      </QueryState>
    </Stack>
  );
}
