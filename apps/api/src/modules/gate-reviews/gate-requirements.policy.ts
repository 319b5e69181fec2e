import type { GateRequirements } from '../gate-policies/gate-policy';
import type { UseCaseContent } from '../use-cases/use-case-content';

export interface RequirementGap {
  field: 'evidence' | 'checklist';
  detail: string;
}

/**
 * What a gate asks of the content and the content does not have yet. Checked
 * when a review opens and again at the moment it would pass, against the
 * content as it is then.
 */
export function unmetRequirements(requirements: GateRequirements, content: Pick<UseCaseContent, 'evidence' | 'checklist'>): RequirementGap[] {
  const presentKinds = new Set(content.evidence.map((evidence) => evidence.kind));
  return [
    ...requirements.evidence.filter((r) => !presentKinds.has(r.kind)).map((r) => ({ field: 'evidence' as const, detail: `missing evidence: ${r.kind}` })),
    ...requirements.checklist
      .filter((id) => !Object.hasOwn(content.checklist, id))
      .map((id) => ({ field: 'checklist' as const, detail: `unanswered checklist item: ${id}` })),
  ];
}
