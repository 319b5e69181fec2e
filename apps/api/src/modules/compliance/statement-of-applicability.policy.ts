import type { FieldError } from '@app/errors';
import type { ControlMapping, GatePolicyDocument } from '../gate-policies/gate-policy';
import { AnnexACatalogue } from './annex-a-catalogue';

export const IMPLEMENTATION_STATUSES = ['not_assessed', 'planned', 'in_progress', 'implemented'] as const;
export type ImplementationStatus = (typeof IMPLEMENTATION_STATUSES)[number];

/** One control's line in the Statement of Applicability, as its editors set it. */
export interface SoaEntry {
  controlId: string;
  applicable: boolean;
  /** Why the control is included or excluded; an exclusion always has one (clause 6.1.3). */
  justification: string | null;
  /** How far the control is implemented; null for an excluded control. */
  status: ImplementationStatus | null;
  /** The person answerable for the control (a user id). */
  ownerId: string | null;
}

export type SoaEdit = Partial<Pick<SoaEntry, 'applicable' | 'justification' | 'status' | 'ownerId'>>;

/** Before anyone has edited it, every control is applicable and not yet assessed: nothing is excluded by default. */
export function initialEntries(catalogue: AnnexACatalogue): SoaEntry[] {
  return catalogue.controls.map((control) => ({ controlId: control.id, applicable: true, justification: null, status: 'not_assessed', ownerId: null }));
}

/**
 * The entries after one control's edit, or the reasons it is refused. An
 * excluded control has a justification and no implementation status; an
 * applicable one has a status.
 */
export function applySoaEdit(entries: SoaEntry[], controlId: string, edit: SoaEdit): { entries: SoaEntry[]; entry: SoaEntry } | { errors: FieldError[] } {
  const current = entries.find((entry) => entry.controlId === controlId);
  if (!current) return { errors: [{ field: 'controlId', detail: `${controlId} is not a control of the catalogue this statement is made against` }] };
  // Only what the edit names changes: a member left out (or undefined) keeps its value.
  const named = Object.fromEntries(Object.entries(edit).filter(([, value]) => value !== undefined));
  const next: SoaEntry = { ...current, ...named };
  if (!next.applicable) next.status = null;
  else if (next.status === null) next.status = 'not_assessed';
  const errors: FieldError[] = [];
  if (!next.applicable && !next.justification?.trim()) errors.push({ field: 'justification', detail: 'an excluded control needs a justification' });
  if (errors.length) return { errors };
  return { entries: entries.map((entry) => (entry.controlId === controlId ? next : entry)), entry: next };
}

/** How often something that evidences controls occurs, and when it last did. */
export interface EvidenceTally {
  count: number;
  latestAt: Date | null;
}

export interface ControlEvidence {
  source: 'evidence_kind' | 'gate' | 'checklist_item';
  /** The evidence kind, the gate or the checklist item id. */
  name: string;
  count: number;
  latestAt: string | null;
}

/**
 * What the records show for each control, through the policy's mapping:
 * evidence files of the kinds mapped to it, gates passed that are mapped to
 * it, and checklist answers to items mapped to it.
 */
export function evidenceByControl(
  policy: Pick<GatePolicyDocument, 'checklistItems' | 'controls'>,
  tallies: { evidenceKinds: Map<string, EvidenceTally>; gates: Map<string, EvidenceTally>; checklistItems: Map<string, EvidenceTally> },
): Map<string, ControlEvidence[]> {
  const byControl = new Map<string, ControlEvidence[]>();
  const add = (controls: string[] | undefined, source: ControlEvidence['source'], name: string, tally: EvidenceTally | undefined) => {
    if (!tally || tally.count === 0) return;
    for (const controlId of controls ?? []) {
      const list = byControl.get(controlId) ?? [];
      list.push({ source, name, count: tally.count, latestAt: tally.latestAt?.toISOString() ?? null });
      byControl.set(controlId, list);
    }
  };
  const mapping: Partial<ControlMapping> = policy.controls ?? {};
  for (const [kind, controls] of Object.entries(mapping.evidenceKinds ?? {})) add(controls, 'evidence_kind', kind, tallies.evidenceKinds.get(kind));
  for (const [gate, controls] of Object.entries(mapping.gates ?? {})) add(controls, 'gate', gate, tallies.gates.get(gate));
  for (const [id, item] of Object.entries(policy.checklistItems)) add(item.controls, 'checklist_item', id, tallies.checklistItems.get(id));
  return byControl;
}

/** The most recent date among a control's evidence, or null when it has none. */
export function latestEvidenceAt(evidence: ControlEvidence[]): string | null {
  return evidence.reduce<string | null>((latest, item) => (item.latestAt && (!latest || item.latestAt > latest) ? item.latestAt : latest), null);
}
