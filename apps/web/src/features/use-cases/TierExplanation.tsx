import { Group, Stack, Text } from '@mantine/core';
import { TierBadge } from './badges';
import { TIER_LABELS, type UseCaseDetail } from './labels';
import { THRESHOLDS_TEXT, whyTier } from './tier';

/** The tier in force and why: the register's derived tier with the risk that decides it, the thresholds, and any override with its justification. */
export function TierExplanation({ useCase }: { useCase: Pick<UseCaseDetail, 'tier' | 'derivedTier' | 'content'> }) {
  const override = useCase.content.tierOverride;
  return (
    <Stack gap={4}>
      <Group gap="xs">
        <TierBadge tier={useCase.tier} prefix="Tier" />
        {override && <Text size="sm">(overridden; the risk register alone gives {TIER_LABELS[useCase.derivedTier].toLowerCase()})</Text>}
      </Group>
      <Text size="sm">
        <strong>Derived from the risks:</strong> {whyTier(useCase.content.risks)}
      </Text>
      {override && (
        <Text size="sm">
          <strong>Override to {TIER_LABELS[override.tier].toLowerCase()}:</strong> “{override.justification}”
        </Text>
      )}
      <Text size="xs" c="dimmed">
        {THRESHOLDS_TEXT}
      </Text>
    </Stack>
  );
}
