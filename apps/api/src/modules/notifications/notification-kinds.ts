/** What a notification is about; each kind says whom it reaches and whether it may be muted. */
export const NOTIFICATION_KINDS = ['sign_off_needed', 'decision_made', 'changes_requested', 'obligation_due', 're_review_due'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Mandatory kinds ask the recipient to act where nobody else can: they cannot be muted. */
export const MANDATORY_KINDS: readonly NotificationKind[] = ['sign_off_needed'];
export type MutableKind = Exclude<NotificationKind, 'sign_off_needed'>;

export function isMandatory(kind: NotificationKind): boolean {
  return MANDATORY_KINDS.includes(kind);
}

export const KIND_DESCRIPTIONS: Record<NotificationKind, string> = {
  sign_off_needed: 'A review needs your sign-off in a role you hold (when it opens, or when a change asks for a sign-off again)',
  decision_made: "A decision was recorded on a review of your team's use case (and whether the gate passed or was rejected)",
  changes_requested: "A reviewer sent your team's use case back with changes requested",
  obligation_due: 'An obligation you own falls due soon',
  re_review_due: "A periodic review of an operating use case (of your team's, or any, for compliance officers) is due",
};

export const EMAIL_STATES = ['pending', 'sending', 'sent', 'muted', 'off', 'failed', 'uncertain'] as const;
export type EmailState = (typeof EMAIL_STATES)[number];
