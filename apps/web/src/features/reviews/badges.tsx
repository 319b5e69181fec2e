import { Badge } from '@mantine/core';
import { DECISION_COLORS, DECISION_LABELS, REVIEW_STATUS_COLORS, REVIEW_STATUS_LABELS, TIER_COLORS, TIER_LABELS, type Decision, type ReviewStatus, type Tier } from './labels';

// Outline badges in dark colours: the words carry the meaning, the colour only echoes it.
// A badge keeps its whole text: in a narrow table cell Mantine would cut it to "APPRO…".
const WHOLE = { root: { minWidth: 'max-content' } } as const;

export function ReviewStatusBadge({ status }: { status: ReviewStatus }) {
  return (
    <Badge styles={WHOLE} variant="outline" color={REVIEW_STATUS_COLORS[status]} data-review-status={status}>
      {REVIEW_STATUS_LABELS[status]}
    </Badge>
  );
}

export function TierBadge({ tier }: { tier: Tier }) {
  return (
    <Badge styles={WHOLE} variant="outline" color={TIER_COLORS[tier]}>
      {TIER_LABELS[tier]}
    </Badge>
  );
}

export function DecisionBadge({ decision }: { decision: Decision }) {
  return (
    <Badge styles={WHOLE} variant="outline" color={DECISION_COLORS[decision]}>
      {DECISION_LABELS[decision]}
    </Badge>
  );
}

export function WordBadge({ children, tone = 'neutral' }: { children: string; tone?: 'neutral' | 'good' | 'bad' | 'warn' }) {
  const color = { neutral: '#495057', good: '#2b6a1f', bad: '#b02525', warn: '#7a5200' }[tone];
  return (
    <Badge styles={WHOLE} variant="outline" color={color}>
      {children}
    </Badge>
  );
}
