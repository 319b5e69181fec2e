import { FieldError, RESERVED_KEYS } from '@app/errors';
import { ANNEX_A_CATALOGUES, AnnexACatalogue, annexACatalogue, CURRENT_ANNEX_A, isAnnexAControl } from '../compliance/annex-a-catalogue';
import { EVIDENCE_KINDS, EvidenceKind } from '../evidence/evidence-kinds';
import { Gate, GATED_TIERS, GatedTier, GATES, SIGN_OFF_ROLES, SignOffRole } from '../gate-reviews/lifecycle';

export interface SignOffRequirement {
  role: SignOffRole;
  quorum: number;
  note?: string;
}

export interface EvidenceRequirement {
  kind: EvidenceKind;
  note?: string;
}

export interface GateRequirements {
  signOffs: SignOffRequirement[];
  evidence: EvidenceRequirement[];
  /** Ids of checklist items that must be answered. */
  checklist: string[];
  /** For the periodic operate review: how long a passed review holds. */
  reviewIntervalMonths?: number;
  /** Present when the gate needs an approved, current impact assessment. */
  impactAssessment?: ImpactAssessmentRequirement;
}

/**
 * The gate needs an approved impact assessment that is not stale, made on the
 * current template version or on one of the older versions named here.
 */
export interface ImpactAssessmentRequirement {
  acceptedTemplateVersions?: number[];
}

/** The organisation roles that decide outside the team: approving assessments, accepting risks. */
export const OUTSIDE_DECIDER_ROLES = ['legal', 'assessor'] as const;
export type OutsideDeciderRole = (typeof OUTSIDE_DECIDER_ROLES)[number];

/** Who may accept a risk from this (inherent) severity up; the rule with the highest fromSeverity at or below a risk's severity applies. */
export interface RiskAcceptanceRule {
  fromSeverity: number;
  roles: OutsideDeciderRole[];
}

export interface ChecklistItem {
  text: string;
  /** The section of the reference guide the item comes from. */
  guide: string;
  /** The Annex A controls an answer to this item evidences. */
  controls?: string[];
}

/**
 * Which ISO/IEC 42001 Annex A controls each gate and each evidence kind
 * evidences, against one version of the catalogue. Checklist items carry
 * their own. Optional: a policy without it gates exactly the same way.
 */
export interface ControlMapping {
  /** The Annex A catalogue version the control ids belong to. */
  catalogue: number;
  gates: Partial<Record<Gate, string[]>>;
  evidenceKinds: Partial<Record<EvidenceKind, string[]>>;
}

export interface GatePolicyDocument {
  name: string;
  source?: string;
  checklistItems: Record<string, ChecklistItem>;
  gates: Record<Gate, Record<GatedTier, GateRequirements>>;
  controls?: ControlMapping;
  /** Who approves impact assessments; both legal and assessors when absent. */
  impactAssessmentApprovers?: OutsideDeciderRole[];
  /** Who accepts risks, by severity; legal or an assessor at every severity when absent. The team never does. */
  riskAcceptance?: RiskAcceptanceRule[];
}

/** What a policy without its own rules for outside decisions gets. */
export const DEFAULT_OUTSIDE_DECIDERS: readonly OutsideDeciderRole[] = OUTSIDE_DECIDER_ROLES;

export function impactAssessmentApprovers(policy: GatePolicyDocument): readonly OutsideDeciderRole[] {
  return policy.impactAssessmentApprovers ?? DEFAULT_OUTSIDE_DECIDERS;
}

/** The roles that may accept a risk of this inherent severity under the policy. */
export function riskAcceptors(policy: GatePolicyDocument, severity: number): readonly OutsideDeciderRole[] {
  const rules = policy.riskAcceptance ?? [{ fromSeverity: 1, roles: [...DEFAULT_OUTSIDE_DECIDERS] }];
  const rule = rules.filter((r) => r.fromSeverity <= severity).sort((a, b) => b.fromSeverity - a.fromSeverity)[0];
  return rule?.roles ?? [];
}

const MAX_QUORUM = 10;

/**
 * Checks a policy document before it is published; returns every problem
 * found, each with the path of the offending value (`gates.retire.high.signOffs.0.quorum`).
 */
export function validateGatePolicy(document: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (field: string, detail: string) => errors.push({ field: `document.${field}`, detail });
  if (!isObject(document)) return [{ field: 'document', detail: 'document must be an object' }];

  if (typeof document.name !== 'string' || !document.name.trim() || document.name.length > 200) fail('name', 'name must be a non-empty string of at most 200 characters');
  const catalogue = validateControlMapping(document.controls, fail);
  const items = document.checklistItems;
  if (!isObject(items)) {
    fail('checklistItems', 'checklistItems must be an object of id → { text, guide }');
  } else {
    for (const [id, item] of Object.entries(items)) {
      if (!/^[a-z][a-z0-9_.-]{1,79}$/.test(id)) fail(`checklistItems.${id}`, 'checklist item ids are lowercase words joined by . _ or -');
      if (RESERVED_KEYS.includes(id)) fail(`checklistItems.${id}`, `${id} is reserved and cannot name a checklist item`);
      if (!isObject(item) || typeof item.text !== 'string' || !item.text || typeof item.guide !== 'string' || !item.guide) {
        fail(`checklistItems.${id}`, 'a checklist item has a non-empty text and guide reference');
      }
      if (isObject(item) && item.controls !== undefined) checkControlList(item.controls, `checklistItems.${id}.controls`, catalogue, fail);
    }
  }

  const gates = document.gates;
  if (!isObject(gates)) return [...errors, { field: 'document.gates', detail: `gates must be an object with ${GATES.join(', ')}` }];
  for (const key of Object.keys(gates)) if (!(GATES as readonly string[]).includes(key)) fail(`gates.${key}`, `unknown gate; gates are ${GATES.join(', ')}`);
  for (const gate of GATES) {
    const tiers = gates[gate];
    if (!isObject(tiers)) {
      fail(`gates.${gate}`, `every gate needs requirements for ${GATED_TIERS.join(', ')}`);
      continue;
    }
    for (const key of Object.keys(tiers)) {
      if (!(GATED_TIERS as readonly string[]).includes(key)) fail(`gates.${gate}.${key}`, `unknown tier; a policy covers ${GATED_TIERS.join(', ')} (a prohibited use case passes no gate)`);
    }
    for (const tier of GATED_TIERS) validateRequirements(tiers[tier], `gates.${gate}.${tier}`, gate, isObject(items) ? items : {}, fail);
  }
  validateOutsideDeciders(document, fail);
  return errors;
}

function validateOutsideDeciders(document: Record<string, unknown>, fail: (field: string, detail: string) => void) {
  const rolesOf = (value: unknown, at: string) => {
    if (!Array.isArray(value) || value.length === 0 || value.some((role) => !(OUTSIDE_DECIDER_ROLES as readonly unknown[]).includes(role)) || new Set(value).size !== value.length) {
      fail(at, `a non-empty list of distinct roles among ${OUTSIDE_DECIDER_ROLES.join(', ')} (the team never decides these)`);
    }
  };
  if (document.impactAssessmentApprovers !== undefined) rolesOf(document.impactAssessmentApprovers, 'impactAssessmentApprovers');
  const rules = document.riskAcceptance;
  if (rules === undefined) return;
  if (!Array.isArray(rules) || rules.length === 0) return fail('riskAcceptance', 'riskAcceptance is a non-empty list of { fromSeverity, roles }');
  const seen = new Set<unknown>();
  rules.forEach((rule, index) => {
    const at = `riskAcceptance.${index}`;
    if (!isObject(rule)) return fail(at, 'a rule is { fromSeverity, roles }');
    if (!Number.isInteger(rule.fromSeverity) || (rule.fromSeverity as number) < 1 || (rule.fromSeverity as number) > 5) fail(`${at}.fromSeverity`, 'fromSeverity is an integer from 1 to 5');
    else if (seen.has(rule.fromSeverity)) fail(`${at}.fromSeverity`, `severity ${String(rule.fromSeverity)} has two rules`);
    seen.add(rule.fromSeverity);
    rolesOf(rule.roles, `${at}.roles`);
  });
  if (!seen.has(1)) fail('riskAcceptance', 'one rule starts at fromSeverity 1, so every severity has someone who may accept it');
}

function validateRequirements(
  value: unknown,
  path: string,
  gate: Gate,
  items: Record<string, unknown>,
  fail: (field: string, detail: string) => void,
) {
  if (!isObject(value)) return fail(path, 'requirements must be an object with signOffs, evidence and checklist');
  const { signOffs, evidence, checklist, reviewIntervalMonths, impactAssessment } = value;
  if (impactAssessment !== undefined) {
    const versions = isObject(impactAssessment) ? impactAssessment.acceptedTemplateVersions : undefined;
    if (!isObject(impactAssessment) || Object.keys(impactAssessment).some((key) => key !== 'acceptedTemplateVersions')) {
      fail(`${path}.impactAssessment`, 'impactAssessment is an object, {} or { acceptedTemplateVersions: [older template versions] }');
    } else if (versions !== undefined && (!Array.isArray(versions) || versions.length > 50 || versions.some((v) => !Number.isInteger(v) || (v as number) < 1))) {
      fail(`${path}.impactAssessment.acceptedTemplateVersions`, 'acceptedTemplateVersions is a list of template version numbers');
    }
  }
  if (!Array.isArray(signOffs) || signOffs.length === 0) {
    fail(`${path}.signOffs`, 'at least one sign-off role is required');
  } else {
    const seen = new Set<unknown>();
    signOffs.forEach((signOff, index) => {
      const at = `${path}.signOffs.${index}`;
      if (!isObject(signOff)) return fail(at, 'a sign-off is { role, quorum }');
      if (!(SIGN_OFF_ROLES as readonly unknown[]).includes(signOff.role)) fail(`${at}.role`, `role must be one of ${SIGN_OFF_ROLES.join(', ')}`);
      if (seen.has(signOff.role)) fail(`${at}.role`, `${String(signOff.role)} is listed twice`);
      seen.add(signOff.role);
      if (!Number.isInteger(signOff.quorum) || (signOff.quorum as number) < 1 || (signOff.quorum as number) > MAX_QUORUM) {
        fail(`${at}.quorum`, `quorum must be an integer from 1 to ${MAX_QUORUM}`);
      }
      checkNote(signOff.note, at, fail);
    });
  }
  if (!Array.isArray(evidence)) {
    fail(`${path}.evidence`, 'evidence must be a list (possibly empty)');
  } else {
    const seen = new Set<unknown>();
    evidence.forEach((requirement, index) => {
      const kind = isObject(requirement) ? requirement.kind : undefined;
      if (!(EVIDENCE_KINDS as readonly unknown[]).includes(kind)) fail(`${path}.evidence.${index}.kind`, `kind must be one of ${EVIDENCE_KINDS.join(', ')}`);
      if (seen.has(kind)) fail(`${path}.evidence.${index}.kind`, `${String(kind)} is listed twice`);
      seen.add(kind);
      if (isObject(requirement)) checkNote(requirement.note, `${path}.evidence.${index}`, fail);
    });
  }
  if (!Array.isArray(checklist)) {
    fail(`${path}.checklist`, 'checklist must be a list of checklist item ids (possibly empty)');
  } else {
    checklist.forEach((id, index) => {
      // Own members only: `in` would also find `constructor` on every object.
      if (typeof id !== 'string' || !Object.hasOwn(items, id)) fail(`${path}.checklist.${index}`, `${String(id)} is not an item of checklistItems`);
    });
  }
  if (gate === 'operate_review') {
    if (!Number.isInteger(reviewIntervalMonths) || (reviewIntervalMonths as number) < 1 || (reviewIntervalMonths as number) > 36) {
      fail(`${path}.reviewIntervalMonths`, 'the operate review needs reviewIntervalMonths, an integer from 1 to 36');
    }
  } else if (reviewIntervalMonths !== undefined) {
    fail(`${path}.reviewIntervalMonths`, 'only the operate_review gate has a review interval');
  }
}

/** The catalogue a policy's control ids are checked against: the one its mapping names, else the current one. */
function validateControlMapping(mapping: unknown, fail: (field: string, detail: string) => void): AnnexACatalogue {
  if (mapping === undefined) return CURRENT_ANNEX_A;
  if (!isObject(mapping)) {
    fail('controls', 'controls must be an object: { catalogue, gates, evidenceKinds }');
    return CURRENT_ANNEX_A;
  }
  const catalogue = typeof mapping.catalogue === 'number' ? annexACatalogue(mapping.catalogue) : undefined;
  if (!catalogue) fail('controls.catalogue', `catalogue must name an Annex A catalogue version: ${ANNEX_A_CATALOGUES.map((c) => c.version).join(', ')}`);
  const mapped = [
    { key: 'gates', names: GATES as readonly string[] },
    { key: 'evidenceKinds', names: EVIDENCE_KINDS as readonly string[] },
  ] as const;
  for (const { key, names } of mapped) {
    const lists = mapping[key];
    if (!isObject(lists)) {
      fail(`controls.${key}`, `controls.${key} must be an object of ${key === 'gates' ? 'gate' : 'evidence kind'} → list of control ids`);
      continue;
    }
    for (const [name, list] of Object.entries(lists)) {
      if (!names.includes(name)) fail(`controls.${key}.${name}`, `${name} is not one of ${names.join(', ')}`);
      else checkControlList(list, `controls.${key}.${name}`, catalogue ?? CURRENT_ANNEX_A, fail);
    }
  }
  for (const key of Object.keys(mapping)) {
    if (!['catalogue', 'gates', 'evidenceKinds'].includes(key)) fail(`controls.${key}`, 'controls has catalogue, gates and evidenceKinds only');
  }
  return catalogue ?? CURRENT_ANNEX_A;
}

/** A list of distinct control ids of the catalogue. */
function checkControlList(list: unknown, at: string, catalogue: AnnexACatalogue, fail: (field: string, detail: string) => void) {
  if (!Array.isArray(list) || list.length > 38) return fail(at, 'a list of Annex A control ids (at most 38)');
  const seen = new Set<unknown>();
  list.forEach((id, index) => {
    if (typeof id !== 'string' || !isAnnexAControl(id, catalogue)) fail(`${at}.${index}`, `${String(id)} is not a control of Annex A catalogue version ${catalogue.version}`);
    else if (seen.has(id)) fail(`${at}.${index}`, `${id} is listed twice`);
    seen.add(id);
  });
}

/** A requirement's optional note is text a reader sees: a string, when present. */
function checkNote(note: unknown, at: string, fail: (field: string, detail: string) => void) {
  if (note !== undefined && (typeof note !== 'string' || note.length > 2000)) fail(`${at}.note`, 'note must be a string of at most 2000 characters');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export { default as DEFAULT_GATE_POLICY_DATA } from './default-gate-policy.json';
