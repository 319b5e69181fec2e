import { isMandatory, NotificationKind } from './notification-kinds';

/**
 * What each notification says: pure functions of plain facts, so the words
 * are tested without a database and the callers (gate reviews, the scans)
 * hand over facts, not sentences. Every message names the use case, the
 * gate, what is asked, and a deep link into the web app.
 */

export interface UseCaseFacts {
  id: string;
  title: string;
}

export interface ReviewFacts {
  id: string;
  gate: string;
  fromStage: string;
  toStage: string;
  tier: string;
  revision: number;
}

export interface Message {
  kind: NotificationKind;
  subject: string;
  body: string;
  link: string;
}

export interface SignOffFacts {
  signerName: string;
  role: string;
  decision: 'approve' | 'request_changes' | 'reject';
  comment: string;
}

/** Where the review stands after the decision. */
export type ReviewOutcome = 'open' | 'passed' | 'rejected' | 'changes_requested';

/** "design → develop", "retirement", "periodic review (operate)". */
export function gateLabel(gate: string, fromStage?: string, toStage?: string): string {
  if (gate === 'retire') return 'retirement';
  if (gate === 'operate_review') return 'periodic review (operate)';
  if (fromStage && toStage) return `${fromStage} → ${toStage}`;
  return gate.replaceAll('_', ' ');
}

/** Headers must not carry line breaks, and a subject is read at a glance. */
function oneLine(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function quoted(title: string): string {
  return `"${oneLine(title, 200)}"`;
}

function footer(kind: NotificationKind): string {
  return isMandatory(kind)
    ? 'This notification is mandatory: it asks for a decision only people in your role can give, so it cannot be muted.'
    : `You receive this because of your part in the use case. You can stop these emails (kind "${kind}") in your notification preferences; they stay listed in Gatehouse.`;
}

function compose(kind: NotificationKind, subject: string, lines: string[], link: string): Message {
  return { kind, subject: oneLine(`[Gatehouse] ${subject}`, 200), body: [...lines, '', footer(kind), ''].join('\n'), link };
}

const ROLE_WORDS: Record<string, string> = { developer: 'a developer', deployer: 'a deployer', legal: 'legal', assessor: 'an independent assessor' };

function rolesInWords(roles: string[]): string {
  const words = roles.map((role) => ROLE_WORDS[role] ?? role);
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words.at(-1)}` : words[0];
}

/** The holders of a missing slot: their sign-off is needed, because the review opened or a change asks for it again. */
export function signOffNeeded(baseUrl: string, useCase: UseCaseFacts, review: ReviewFacts, roles: string[], again: boolean): Message {
  const gate = gateLabel(review.gate, review.fromStage, review.toStage);
  const link = `${baseUrl}/reviews/${review.id}`;
  const why = again
    ? `The review of ${quoted(useCase.title)} changed (new content or a new risk tier) and needs a sign-off again.`
    : `A review of ${quoted(useCase.title)} was opened and needs your sign-off.`;
  return compose('sign_off_needed', `Sign-off needed: ${useCase.title} (${gate})`, [
    why,
    '',
    `Use case: ${oneLine(useCase.title, 200)}`,
    `Gate: ${gate} (tier ${review.tier}, revision ${review.revision})`,
    `What is asked: decide as ${rolesInWords(roles)} on revision ${review.revision}: approve (with conditions if you need them), request changes, or reject.`,
    `Open the review: ${link}`,
  ], link);
}

const DECISION_WORDS: Record<SignOffFacts['decision'], string> = { approve: 'approved', request_changes: 'requested changes', reject: 'rejected' };

/** The use case's teams, after a decision on its review. */
export function decisionRecorded(baseUrl: string, useCase: UseCaseFacts, review: ReviewFacts, signOff: SignOffFacts, outcome: ReviewOutcome): Message {
  const gate = gateLabel(review.gate, review.fromStage, review.toStage);
  const link = `${baseUrl}/reviews/${review.id}`;
  const decided = `${oneLine(signOff.signerName, 100)} ${DECISION_WORDS[signOff.decision]} as ${signOff.role}`;
  const standing: Record<ReviewOutcome, { headline: string; asked: string }> = {
    open: { headline: `Decision on ${useCase.title}: ${decided}`, asked: 'nothing yet; the review waits for its other sign-offs.' },
    passed: { headline: `Gate passed: ${useCase.title} (${gate})`, asked: `the use case is now in ${review.toStage}; look after the obligations its approvals carry, if any.` },
    rejected: { headline: `Review rejected: ${useCase.title} (${gate})`, asked: 'the gate is closed by a rejection; read the reason before opening a new review.' },
    changes_requested: { headline: `Changes requested: ${useCase.title} (${gate})`, asked: 'make the changes the reviewer asks for, then open a new review.' },
  };
  const { headline, asked } = standing[outcome];
  return compose(outcome === 'changes_requested' ? 'changes_requested' : 'decision_made', headline, [
    `${decided} on the review of ${quoted(useCase.title)}.`,
    `Their comment: ${oneLine(signOff.comment, 1000)}`,
    '',
    `Use case: ${oneLine(useCase.title, 200)}`,
    `Gate: ${gate} (tier ${review.tier}, revision ${review.revision}); the review is ${outcome === 'open' ? 'still open' : outcome.replace('_', ' ')}.`,
    `What is asked of your team: ${asked}`,
    `Open the review: ${link}`,
  ], link);
}

export interface ObligationFacts {
  id: string;
  description: string;
  /** 'YYYY-MM-DD' */
  dueDate: string;
  gate: string;
  reviewId: string;
}

/** An obligation's owner, some days before it falls due. */
export function obligationDue(baseUrl: string, useCase: UseCaseFacts, obligation: ObligationFacts, today: string): Message {
  const link = `${baseUrl}/use-cases/${useCase.id}/obligations`;
  const when = obligation.dueDate < today ? `was due on ${obligation.dueDate}` : obligation.dueDate === today ? 'is due today' : `is due on ${obligation.dueDate}`;
  return compose('obligation_due', `Obligation due ${obligation.dueDate}: ${useCase.title}`, [
    `An obligation you own on ${quoted(useCase.title)} ${when}.`,
    '',
    `Use case: ${oneLine(useCase.title, 200)}`,
    `Gate: ${gateLabel(obligation.gate)} (the approval that set the condition)`,
    `What is asked: ${oneLine(obligation.description, 1000)}. Close the obligation in Gatehouse once it is met.`,
    `Open the obligations: ${link}`,
  ], link);
}

export interface ReReviewFacts {
  /** 'YYYY-MM-DD', or null when a change (not the calendar) asks for the review. */
  nextReviewDue: string | null;
  reason: string | null;
}

/** The use case's teams and the compliance officers, when an operating use case's periodic review is due. */
export function reReviewDue(baseUrl: string, useCase: UseCaseFacts, facts: ReReviewFacts, today: string): Message {
  const link = `${baseUrl}/use-cases/${useCase.id}/reviews`;
  const why = facts.reason
    ? `its ${facts.reason}, so it must be reviewed again`
    : facts.nextReviewDue && facts.nextReviewDue < today
      ? `its periodic review was due on ${facts.nextReviewDue} and is overdue`
      : 'its periodic review is due today';
  return compose('re_review_due', `Periodic review due: ${useCase.title}`, [
    `${quoted(useCase.title)} is operating and ${why}.`,
    '',
    `Use case: ${oneLine(useCase.title, 200)}`,
    `Gate: ${gateLabel('operate_review')}${facts.nextReviewDue ? `, due ${facts.nextReviewDue}` : ''}`,
    'What is asked: the team opens the periodic review (gate operate_review) with current evidence; compliance officers follow it up.',
    `Open the use case's reviews: ${link}`,
  ], link);
}
