import { Alert, Anchor, Stack, Text, Title } from '@mantine/core';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useParams } from 'react-router';
import { QueryState } from '../../components/PageState';
import { useMe, type Me } from '../../auth/session';
import { ChecklistAnswers } from './ChecklistAnswers';
import { EvidenceList } from './EvidenceList';
import { approvalsWord, DECISION_LABELS, REVIEW_STATUS_LABELS, ROLE_LABELS, SIGN_OFF_ROLES, type Review, type SignOffRole, type UseCaseContent } from './labels';
import { lastApprovedRevision, useEvidence, usePeople, useReview, useReviewsOf, useRevision, useUseCaseDetail, type People } from './queries';
import { ReviewHeader } from './ReviewHeader';
import { RevisionContent } from './RevisionContent';
import { RevisionDiff } from './RevisionDiff';
import { RisksAndTier } from './RisksAndTier';
import { SignOffForm, type OwnerOption, type SignOffOutcome } from './SignOffForm';
import { SignOffHistory } from './SignOffHistory';
import { SlotsTable, StillNeeded } from './SlotsTable';

/**
 * One gate review, everything a signer needs to decide: the facts of the review,
 * every slot and who filled it how, the use case as pinned, what changed since
 * the last approval, risks and tier, evidence, checklist answers, the history of
 * decisions, and the sign-off form for those who may sign. Opened directly from a
 * link (an email), it reads its id from the address.
 */
export default function ReviewPage() {
  const { reviewId = '' } = useParams();
  const review = useReview(reviewId);
  return (
    <QueryState query={review} label="Loading the review">
      {(data) => <ReviewView review={data} />}
    </QueryState>
  );
}

function ReviewView({ review }: { review: Review }) {
  const me = useMe();
  const people = usePeople(review);
  const detail = useUseCaseDetail(review.useCaseId);
  const pinned = useRevision(review.useCaseId, review.revision);
  const reviews = useReviewsOf(review.useCaseId);
  const evidence = useEvidence(review.useCaseId);
  const [outcome, setOutcome] = useState<SignOffOutcome | undefined>();

  const title = pinned.data?.content.title ?? detail.data?.content.title;
  // The use case's teams decide who holds developer and deployer: read from the use case as it is now (or, until it loads, as pinned).
  // The form must not wait on the pinned revision's content, or a move to a new revision would unmount it and lose what was typed.
  const teams = detail.data?.content ?? pinned.data?.content;
  const roles = useMemo(() => (teams ? rolesToSign(me, review, teams) : []), [me, review, teams]);
  const owners = useMemo(() => (teams ? ownerOptions(me, teams, people) : []), [me, teams, people]);

  useEffect(() => {
    if (!title) return;
    const before = document.title;
    document.title = `Review: ${title} · Gatehouse`;
    return () => {
      document.title = before;
    };
  }, [title]);

  return (
    <Stack gap="xl">
      <ReviewHeader review={review} title={title} people={people} />
      {roles.length > 0 && me.id !== review.openedBy && (
        <Anchor href="#sign-off" size="sm">
          Go to the sign-off form
        </Anchor>
      )}

      <Section id="slots" title="Sign-offs">
        <Stack gap="md">
          <SlotsTable review={review} people={people} />
          <StillNeeded review={review} />
        </Stack>
      </Section>

      <Section id="content" title={`The use case at revision ${review.revision}`}>
        <QueryState query={pinned} label="Loading the use case at this revision">
          {(data) => (
            <Stack gap="xs">
              <Text size="sm" c="dimmed">
                The content as it is pinned for this review{data.summary ? ` (last change: ${data.summary})` : ''}.
              </Text>
              <RevisionContent content={data.content} people={people} />
            </Stack>
          )}
        </QueryState>
      </Section>

      <Section id="changes" title="Changes since the last approved revision">
        <QueryState query={reviews} label="Loading earlier reviews">
          {(all) => <RevisionDiff useCaseId={review.useCaseId} from={lastApprovedRevision(review, all)} to={review.revision} />}
        </QueryState>
      </Section>

      <Section id="risks" title="Risks and tier">
        <QueryState query={pinned} label="Loading the risks">
          {(data) => <RisksAndTier review={review} content={data.content} detail={detail.data} people={people} />}
        </QueryState>
      </Section>

      <Section id="evidence" title="Evidence">
        <QueryState query={pinned} label="Loading the evidence">
          {(data) => (
            <Stack gap="xs">
              <EvidenceList useCaseId={review.useCaseId} references={data.content.evidence} items={evidence.data} people={people} revision={review.revision} />
              {evidence.isError && (
                <Text size="sm" c="red.8">
                  Sizes and uploaders could not be loaded; titles, kinds and hashes above are the revision’s own.
                </Text>
              )}
            </Stack>
          )}
        </QueryState>
      </Section>

      <Section id="checklist" title="Checklist answers">
        <QueryState query={pinned} label="Loading the checklist">
          {(data) => <ChecklistAnswers review={review} content={data.content} />}
        </QueryState>
      </Section>

      <Section id="history" title="Decision history">
        <SignOffHistory review={review} people={people} />
      </Section>

      <Section id="sign-off" title="Your sign-off">
        <Stack gap="md">
          {outcome && <SignedNotice outcome={outcome} />}
          <SignOffArea review={review} me={me} roles={roles} owners={owners} ready={!!teams} onSigned={setOutcome} />
        </Stack>
      </Section>
    </Stack>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section id={id} aria-labelledby={`${id}-heading`}>
      <Title order={2} id={`${id}-heading`} mb="sm">
        {title}
      </Title>
      {children}
    </section>
  );
}

function SignOffArea({
  review,
  me,
  roles,
  owners,
  ready,
  onSigned,
}: {
  review: Review;
  me: Me;
  roles: SignOffRole[];
  owners: OwnerOption[];
  ready: boolean;
  onSigned: (outcome: SignOffOutcome) => void;
}) {
  if (review.status !== 'open') {
    return <Text size="sm">This review is closed ({REVIEW_STATUS_LABELS[review.status].toLowerCase()}): it takes no more decisions.</Text>;
  }
  if (!ready) return <Text size="sm">Loading who may sign…</Text>;
  if (me.id === review.openedBy) return <Text size="sm">You opened this review, so someone else must sign it.</Text>;
  if (!roles.length) {
    const needed = review.missing.map((slot) => ROLE_LABELS[slot.role]).join(', ');
    return (
      <Text size="sm">
        {needed
          ? `You hold none of the roles this review still needs (${needed}), so nothing here waits for you.`
          : 'Every approval this review asks for is in; nothing waits for you.'}
      </Text>
    );
  }
  return <SignOffForm review={review} roles={roles} owners={owners} onSigned={onSigned} />;
}

function SignedNotice({ outcome }: { outcome: SignOffOutcome }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), [outcome]);
  return (
    <Alert
      ref={ref}
      tabIndex={-1}
      color="green"
      title="Your sign-off is recorded"
      role="status"
      data-testid="sign-off-recorded"
      // Mantine's light green is too pale for text on its tinted background (WCAG AA): a darker green.
      styles={{ title: { color: '#1b5e20' } }}
    >
      <Text size="sm">
        {DECISION_LABELS[outcome.signOff.decision]} as {ROLE_LABELS[outcome.signOff.role]} on revision {outcome.signOff.revision}. The review is now{' '}
        {REVIEW_STATUS_LABELS[outcome.status].toLowerCase()}.
        {outcome.status === 'open' && outcome.missing.length > 0 && ` It still needs ${outcome.missing.map((slot) => approvalsWord(slot.role, slot.quorum)).join(', ')}.`}
      </Text>
    </Alert>
  );
}

/**
 * The roles I may sign this review in, as far as the page can tell: the slots it
 * still misses that I hold (legal and assessor organisation-wide, developer and
 * deployer on the use case's teams). Independence and one-slot-per-person are the
 * server's to judge: it says why when it refuses.
 */
function rolesToSign(me: Me, review: Review, content: Pick<UseCaseContent, 'developerTeamId' | 'deployerTeamId'>): SignOffRole[] {
  if (review.status !== 'open' || me.via !== 'user') return [];
  const needed = new Set(review.missing.map((slot) => slot.role));
  const teams = new Set([content.developerTeamId, content.deployerTeamId]);
  return SIGN_OFF_ROLES.filter((role) => {
    if (!needed.has(role)) return false;
    if (role === 'legal' || role === 'assessor') return me.effectiveRoles.includes(role);
    return me.teams.some((membership) => membership.role === role && teams.has(membership.teamId));
  });
}

/** Who may own a condition: me, and the members of the use case's two teams (the server checks each is an active reader). */
function ownerOptions(me: Me, content: Pick<UseCaseContent, 'developerTeamId' | 'deployerTeamId'>, people: People): OwnerOption[] {
  const options = new Map<string, OwnerOption>([[me.id, { id: me.id, label: `${me.displayName} (you)` }]]);
  for (const team of people.teams) {
    if (team.id !== content.developerTeamId && team.id !== content.deployerTeamId) continue;
    for (const member of team.members) {
      const existing = options.get(member.userId);
      const role = `${member.role} in ${team.name}`;
      if (existing && existing.id !== me.id) existing.label = `${existing.label.slice(0, -1)}; ${role})`;
      else if (!existing) options.set(member.userId, { id: member.userId, label: `${member.displayName} (${role})` });
    }
  }
  return [...options.values()];
}
