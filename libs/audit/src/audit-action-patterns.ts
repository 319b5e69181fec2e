import { AUDIT_ACTIONS } from './audit-actions';

/**
 * Which audit actions a consumer (a webhook endpoint) wants, as patterns:
 * `*` for every action, `<target type>.*` for every action on one type of
 * target (`gate_review.*`), or one action's exact name (`gate_review.passed`).
 */
export interface ActionSelection {
  all: boolean;
  exact: string[];
  /** Target types whose every action is wanted: `gate_review` for `gate_review.*`. */
  prefixes: string[];
}

const PREFIX_PATTERN = /^([a-z][a-z0-9_]*)\.\*$/;

/** Why `pattern` selects no action of the catalogue, or undefined when it selects some. */
export function actionPatternProblem(pattern: string): string | undefined {
  if (pattern === '*') return undefined;
  const prefix = PREFIX_PATTERN.exec(pattern)?.[1];
  if (prefix !== undefined) {
    return Object.keys(AUDIT_ACTIONS).some((action) => action.startsWith(`${prefix}.`))
      ? undefined
      : `no audit action starts with "${prefix}." (see docs/audit-chain.md for the catalogue)`;
  }
  return Object.hasOwn(AUDIT_ACTIONS, pattern)
    ? undefined
    : `"${pattern}" is not an audit action; give an action's name, "<type>.*" or "*"`;
}

export function selectActions(patterns: readonly string[]): ActionSelection {
  const selection: ActionSelection = { all: false, exact: [], prefixes: [] };
  for (const pattern of patterns) {
    const prefix = PREFIX_PATTERN.exec(pattern)?.[1];
    if (pattern === '*') selection.all = true;
    else if (prefix !== undefined) selection.prefixes.push(prefix);
    else selection.exact.push(pattern);
  }
  return selection;
}

/** The same test the feed makes in SQL (AuditFeed), for code that holds an event already. */
export function isSelected(selection: ActionSelection, action: string): boolean {
  return selection.all || selection.exact.includes(action) || selection.prefixes.includes(action.split('.')[0]);
}
