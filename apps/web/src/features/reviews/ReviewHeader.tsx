import { Anchor, Box, Code, Group, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { formatDateTime } from '../../components/format';
import { ReviewStatusBadge, TierBadge } from './badges';
import { GATE_LABELS, STAGE_LABELS, type Review } from './labels';
import type { People } from './queries';

/**
 * The page's heading and the review's facts: the gate, where it stands, the
 * revision and policy version it is pinned to, who opened it and when.
 */
export function ReviewHeader({ review, title, people }: { review: Review; title: string | undefined; people: People }) {
  return (
    <Box>
      <Text size="sm" c="dimmed">
        Gate review · {GATE_LABELS[review.gate]}
      </Text>
      <Title order={1}>{title ?? 'Gate review'}</Title>
      <Group gap="xs" mt="xs">
        <ReviewStatusBadge status={review.status} />
        <TierBadge tier={review.tier} />
        <Anchor component={Link} to={`/use-cases/${review.useCaseId}`} size="sm">
          Open the use case
        </Anchor>
      </Group>
      <Box
        component="dl"
        mt="md"
        mb={0}
        style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 16, rowGap: 6 }}
      >
        <Fact label="Gate">
          {GATE_LABELS[review.gate]} (from {STAGE_LABELS[review.fromStage].toLowerCase()} to {STAGE_LABELS[review.toStage].toLowerCase()})
        </Fact>
        <Fact label="Status">{statusSentence(review)}</Fact>
        <Fact label="Revision under review">
          Revision {review.revision}
          {review.openedRevision !== review.revision && ` (opened on revision ${review.openedRevision}; the use case changed during the review)`}
        </Fact>
        <Fact label="Content hash">
          <Code style={{ overflowWrap: 'anywhere', whiteSpace: 'normal' }}>{review.contentHash}</Code>
        </Fact>
        <Fact label="Gate policy">Version {review.policyVersion}</Fact>
        <Fact label="Opened by">
          {people.personName(review.openedBy)}, <DateTime iso={review.openedAt} />
        </Fact>
        {review.closedAt && (
          <Fact label="Closed">
            <DateTime iso={review.closedAt} />
          </Fact>
        )}
      </Box>
    </Box>
  );
}

function statusSentence(review: Review): string {
  switch (review.status) {
    case 'open':
      return 'Open: it waits for sign-offs.';
    case 'passed':
      return `Passed: the use case moved to ${STAGE_LABELS[review.toStage].toLowerCase()}.`;
    case 'rejected':
      return 'Rejected: a signer rejected it, and it is closed.';
    case 'changes_requested':
      return 'Changes requested: it went back to the team, who open a new review when ready.';
    case 'superseded':
      return 'Superseded: it was closed without a decision (the use case became prohibited, or a newer review took its place).';
  }
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <Box component="dt" fw={600} fz="sm">
        {label}
      </Box>
      <Box component="dd" m={0} fz="sm">
        {children}
      </Box>
    </>
  );
}

function DateTime({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={iso}>
      {formatDateTime(iso)}
    </time>
  );
}
