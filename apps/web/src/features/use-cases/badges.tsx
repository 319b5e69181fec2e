import { Badge } from '@mantine/core';
import { REVIEW_STATUS_LABELS, STAGE_LABELS, STATUS_LABELS, TIER_COLORS, TIER_LABELS, type Stage, type Tier, type UseCase } from './labels';
import type { Schema } from '../../api/client';

// Outline badges in dark colours: the words carry the meaning, the colour only echoes it, and small text stays readable.

export function TierBadge({ tier, prefix }: { tier: Tier; prefix?: string }) {
  return (
    <Badge variant="outline" color={TIER_COLORS[tier]}>
      {prefix ? `${prefix}: ` : ''}
      {TIER_LABELS[tier]}
    </Badge>
  );
}

export function StageBadge({ stage }: { stage: Stage }) {
  return (
    <Badge variant="outline" color="#1f4f8f">
      Stage: {STAGE_LABELS[stage]}
    </Badge>
  );
}

export function StatusBadge({ status }: { status: UseCase['status'] }) {
  return (
    <Badge variant="outline" color={status === 'in_review' ? '#5b2c91' : '#495057'}>
      {STATUS_LABELS[status]}
    </Badge>
  );
}

const REVIEW_COLORS: Record<Schema<'GateReviewResponse'>['status'], string> = {
  open: '#1f4f8f',
  passed: '#2b6a1f',
  rejected: '#b02525',
  changes_requested: '#7a5200',
  superseded: '#495057',
};

export function ReviewStatusBadge({ status }: { status: Schema<'GateReviewResponse'>['status'] }) {
  return (
    <Badge variant="outline" color={REVIEW_COLORS[status]}>
      {REVIEW_STATUS_LABELS[status]}
    </Badge>
  );
}

/** A neutral badge with words, for states that need no colour. */
export function WordBadge({ children, tone = 'neutral' }: { children: string; tone?: 'neutral' | 'good' | 'bad' | 'warn' }) {
  const color = { neutral: '#495057', good: '#2b6a1f', bad: '#b02525', warn: '#7a5200' }[tone];
  return (
    <Badge variant="outline" color={color}>
      {children}
    </Badge>
  );
}
