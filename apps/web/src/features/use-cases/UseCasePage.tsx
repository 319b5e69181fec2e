import { Anchor, Box, Button, Code, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { Link, Route, Routes, useLocation, useParams } from 'react-router';
import { formatDateTime } from '../../components/format';
import { QueryState } from '../../components/PageState';
import { StageBadge, StatusBadge } from './badges';
import type { UseCaseDetail } from './labels';
import { useCanChange, useUseCase } from './queries';
import { ChecklistTab } from './tabs/ChecklistTab';
import { EditTab } from './tabs/EditTab';
import { EvidenceTab } from './tabs/EvidenceTab';
import { HistoryTab } from './tabs/HistoryTab';
import { ImpactAssessmentTab } from './tabs/ImpactAssessmentTab';
import { ObligationsTab } from './tabs/ObligationsTab';
import { OverviewTab } from './tabs/OverviewTab';
import { ReviewsTab } from './tabs/ReviewsTab';
import { RisksTab } from './tabs/RisksTab';
import { TierExplanation } from './TierExplanation';
import { Notice } from './Notice';

interface Section {
  path: string;
  label: string;
  shown: boolean;
}

/** One use case: its header (stage, tier and why, revision), and its sections as addresses of their own. */
export default function UseCasePage() {
  const { useCaseId = '' } = useParams();
  const query = useUseCase(useCaseId);
  return (
    <Stack>
      <Anchor component={Link} to="/use-cases" size="sm">
        ← All use cases
      </Anchor>
      {!query.data && <Title order={1}>Use case</Title>}
      <QueryState query={query} label="Loading the use case">
        {(useCase) => <LoadedUseCase useCase={useCase} />}
      </QueryState>
    </Stack>
  );
}

function LoadedUseCase({ useCase }: { useCase: UseCaseDetail }) {
  const canChange = useCanChange(useCase);
  const base = `/use-cases/${useCase.id}`;
  const location = useLocation();
  const current = location.pathname.slice(base.length).replace(/^\//, '').split('/')[0] ?? '';

  const sections: Section[] = [
    { path: '', label: 'Overview', shown: true },
    { path: 'edit', label: 'Edit', shown: canChange },
    { path: 'risks', label: `Risks (${useCase.content.risks.length})`, shown: true },
    { path: 'evidence', label: `Evidence (${useCase.content.evidence.length})`, shown: true },
    { path: 'checklist', label: 'Checklist', shown: true },
    { path: 'impact-assessment', label: 'Impact assessment', shown: true },
    { path: 'reviews', label: 'Reviews', shown: true },
    { path: 'obligations', label: 'Obligations', shown: true },
    { path: 'history', label: 'History', shown: true },
  ];

  return (
    <Stack gap="md">
      <Stack gap="xs">
        <Title order={1}>{useCase.content.title}</Title>
        <Group gap="xs">
          <StageBadge stage={useCase.stage} />
          <StatusBadge status={useCase.status} />
          <Text size="sm">
            Revision {useCase.revision}
            <Text span c="dimmed" size="xs" ml={6}>
              content hash <Code title={useCase.contentHash}>{useCase.contentHash.slice(0, 12)}…</Code>
            </Text>
          </Text>
          <Text size="sm" c="dimmed">
            updated{' '}
            <time dateTime={useCase.updatedAt} title={useCase.updatedAt}>
              {formatDateTime(useCase.updatedAt)}
            </time>
          </Text>
        </Group>
        <Paper withBorder p="sm" maw={900}>
          <TierExplanation useCase={useCase} />
        </Paper>
        {useCase.status === 'in_review' && (
          <Notice title="A gate review is open">
            <Text size="sm">
              Changes made now move the review to the new revision, and approvals given on the old one no longer count.{' '}
              <Anchor component={Link} to={`${base}/reviews`}>
                See the review
              </Anchor>
            </Text>
          </Notice>
        )}
        {!canChange && (
          <Text size="sm" c="dimmed" data-testid="read-only-notice">
            {useCase.stage === 'retired'
              ? 'This use case is retired: it can no longer change.'
              : 'You can read this use case. Only members of its developer and deployer teams change it.'}
          </Text>
        )}
      </Stack>

      <Box component="nav" aria-label="Use case sections">
        <Group gap={4} wrap="wrap">
          {sections
            .filter((section) => section.shown)
            .map((section) => {
              const active = current === section.path;
              return (
                <Button
                  key={section.path}
                  component={Link}
                  to={section.path ? `${base}/${section.path}` : base}
                  variant={active ? 'filled' : 'subtle'}
                  size="sm"
                  aria-current={active ? 'page' : undefined}
                >
                  {section.label}
                </Button>
              );
            })}
        </Group>
      </Box>

      <Routes>
        <Route index element={<OverviewTab useCase={useCase} canChange={canChange} />} />
        <Route path="edit" element={<EditTab useCase={useCase} canChange={canChange} />} />
        <Route path="risks" element={<RisksTab useCase={useCase} canChange={canChange} />} />
        <Route path="evidence" element={<EvidenceTab useCase={useCase} canChange={canChange} />} />
        <Route path="checklist" element={<ChecklistTab useCase={useCase} canChange={canChange} />} />
        <Route path="impact-assessment" element={<ImpactAssessmentTab useCase={useCase} canChange={canChange} />} />
        <Route path="reviews" element={<ReviewsTab useCase={useCase} canChange={canChange} />} />
        <Route path="obligations" element={<ObligationsTab useCase={useCase} canChange={canChange} />} />
        <Route path="history" element={<HistoryTab useCase={useCase} canChange={canChange} />} />
        <Route
          path="*"
          element={
            <Text>
              This use case has no such section.{' '}
              <Anchor component={Link} to={base}>
                Go to its overview
              </Anchor>
            </Text>
          }
        />
      </Routes>
    </Stack>
  );
}
