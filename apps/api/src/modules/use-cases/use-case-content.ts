import canonicalize from 'canonicalize';
import diff from 'microdiff';
import { createHash } from 'node:crypto';
import type { EvidenceKind } from '../evidence/evidence-kinds';
import type { AiRole } from '../gate-reviews/lifecycle';
import { Risk, TierOverride } from './risk-tier.policy';

export interface Stakeholder {
  name: string;
  objectives: string;
  /** Affected by the system without being a customer or user of it (the guide's "other parties"). */
  affectedNonUser: boolean;
}

export interface WorkflowComponent {
  name: string;
  description: string;
}

export interface ChecklistAnswer {
  answer: 'yes' | 'no' | 'not_applicable';
  note: string | null;
}

/** Evidence as it counts towards a revision: what it is and the hash of exactly what it holds. */
export interface EvidenceReference {
  id: string;
  kind: EvidenceKind;
  title: string;
  sha256: string | null;
  url: string | null;
}

/** The descriptive fields of a use case: the guide's "Define use case". */
export interface UseCaseDefinition {
  title: string;
  businessProblem: string;
  workflow: { description: string; components: WorkflowComponent[] };
  inputs: string[];
  outputs: string[];
  stakeholders: Stakeholder[];
  intendedUse: string;
  foreseeableMisuse: string;
  aiRole: AiRole;
}

/**
 * Everything a revision pins: the definition, the teams, the risk register,
 * the checklist answers, the tier override and the current evidence set. A
 * sign-off binds to the hash of exactly this.
 */
export interface UseCaseContent extends UseCaseDefinition {
  developerTeamId: string;
  deployerTeamId: string;
  risks: Risk[];
  checklist: Record<string, ChecklistAnswer>;
  tierOverride: TierOverride | null;
  evidence: EvidenceReference[];
}

/** SHA-256 (hex) of the RFC 8785 canonical JSON of the content: independent of member order. */
export function contentHash(content: UseCaseContent): string {
  return createHash('sha256').update(canonicalize(content)!, 'utf8').digest('hex');
}

/** The top-level fields whose values differ, for the revision history. */
export function changedFields(before: UseCaseContent | null, after: UseCaseContent): string[] {
  if (!before) return Object.keys(after).sort();
  return [...new Set(contentDiff(before, after).map((change) => change.path.split('.')[0]))].sort();
}

export interface ContentChange {
  path: string;
  type: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

/** Field-level differences between two contents, paths like `risks.0.severity`. */
export function contentDiff(before: UseCaseContent, after: UseCaseContent): ContentChange[] {
  return diff(before as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>).map((change) => {
    const path = change.path.join('.');
    if (change.type === 'CREATE') return { path, type: 'added', after: change.value };
    if (change.type === 'REMOVE') return { path, type: 'removed', before: change.oldValue };
    return { path, type: 'changed', before: change.oldValue, after: change.value };
  });
}
