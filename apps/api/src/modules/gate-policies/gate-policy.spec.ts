import { CURRENT_ANNEX_A } from '../compliance/annex-a-catalogue';
import { EVIDENCE_KINDS } from '../evidence/evidence-kinds';
import { GATES } from '../gate-reviews/lifecycle';
import { DEFAULT_GATE_POLICY_DATA, GatePolicyDocument, impactAssessmentApprovers, riskAcceptors, validateGatePolicy } from './gate-policy';

const defaultPolicy = () => JSON.parse(JSON.stringify(DEFAULT_GATE_POLICY_DATA)) as GatePolicyDocument;

describe('the default gate policy', () => {
  it('is valid', () => {
    expect(validateGatePolicy(defaultPolicy())).toEqual([]);
  });

  it('asks more of higher tiers: legal from limited up, independent assessors at high', () => {
    const policy = defaultPolicy();
    for (const gate of ['design_to_develop', 'develop_to_deploy', 'deploy_to_operate'] as const) {
      const roles = (tier: 'minimal' | 'limited' | 'high') => policy.gates[gate][tier].signOffs.map((s) => s.role);
      expect(roles('minimal')).not.toContain('legal');
      expect(roles('limited')).toContain('legal');
      expect(roles('limited')).not.toContain('assessor');
      expect(roles('high')).toEqual(expect.arrayContaining(['legal', 'assessor']));
      expect(policy.gates[gate].high.evidence.length).toBeGreaterThan(policy.gates[gate].minimal.evidence.length);
    }
    expect(policy.gates.develop_to_deploy.high.signOffs).toEqual(expect.arrayContaining([expect.objectContaining({ role: 'assessor', quorum: 2 })]));
  });

  it('re-reviews operating use cases every 12 months, high risk every 6', () => {
    const policy = defaultPolicy();
    expect(policy.gates.operate_review.minimal.reviewIntervalMonths).toBe(12);
    expect(policy.gates.operate_review.limited.reviewIntervalMonths).toBe(12);
    expect(policy.gates.operate_review.high.reviewIntervalMonths).toBe(6);
  });

  it('points every checklist item to a section of the guide', () => {
    for (const item of Object.values(defaultPolicy().checklistItems)) expect(item.guide).toMatch(/phase|Considerations that apply to all phases/);
  });

  it('maps every checklist item, gate and evidence kind but "other" to the Annex A controls it evidences, covering the ten a gate workflow evidences itself', () => {
    const policy = defaultPolicy();
    expect(policy.controls?.catalogue).toBe(CURRENT_ANNEX_A.version);
    for (const item of Object.values(policy.checklistItems)) expect(item.controls?.length).toBeGreaterThan(0);
    expect(Object.keys(policy.controls!.gates).sort()).toEqual([...GATES].sort());
    expect(Object.keys(policy.controls!.evidenceKinds).sort()).toEqual(EVIDENCE_KINDS.filter((kind) => kind !== 'other').sort());
    const mapped = new Set([
      ...Object.values(policy.checklistItems).flatMap((item) => item.controls ?? []),
      ...Object.values(policy.controls!.gates).flat(),
      ...Object.values(policy.controls!.evidenceKinds).flat(),
    ]);
    const primary = CURRENT_ANNEX_A.controls.filter((control) => control.evidence === 'primary').map((control) => control.id);
    expect(primary.filter((id) => !mapped.has(id))).toEqual([]);
  });
});

describe('control mappings in a policy', () => {
  const withMapping = (edit: (policy: Record<string, any>) => void) => {
    const policy = defaultPolicy() as unknown as Record<string, any>;
    edit(policy);
    return validateGatePolicy(policy).map((error) => error.field);
  };

  it('are optional: a policy without them is valid', () => {
    expect(withMapping((policy) => delete policy.controls)).toEqual([]);
  });

  it('refuse control ids the catalogue does not have, duplicates, unknown gates, kinds and catalogue versions', () => {
    expect(withMapping((policy) => (policy.checklistItems['all.diverse_team'].controls = ['A.11.2', 'A.4.6', 'A.4.6']))).toEqual([
      'document.checklistItems.all.diverse_team.controls.0',
      'document.checklistItems.all.diverse_team.controls.2',
    ]);
    expect(withMapping((policy) => (policy.controls.gates.launch = ['A.6.2.5']))).toEqual(['document.controls.gates.launch']);
    expect(withMapping((policy) => (policy.controls.evidenceKinds.horoscope = []))).toEqual(['document.controls.evidenceKinds.horoscope']);
    expect(withMapping((policy) => (policy.controls.gates.retire = 'A.6.2.6'))).toEqual(['document.controls.gates.retire']);
    expect(withMapping((policy) => (policy.controls.catalogue = 99))).toEqual(['document.controls.catalogue']);
    expect(withMapping((policy) => (policy.controls.extra = {}))).toEqual(['document.controls.extra']);
    // A.5.1 is an objective, not a control.
    expect(withMapping((policy) => (policy.controls.evidenceKinds.impact_assessment = ['A.5.1']))).toEqual(['document.controls.evidenceKinds.impact_assessment.0']);
  });
});

describe('validateGatePolicy', () => {
  it('names each problem by its path', () => {
    const policy = defaultPolicy() as unknown as { gates: Record<string, Record<string, Record<string, unknown>>> };
    policy.gates.retire.high.signOffs = [{ role: 'legal', quorum: 0 }, { role: 'ceo', quorum: 1 }, { role: 'legal', quorum: 1 }];
    policy.gates.design_to_develop.minimal.evidence = [{ kind: 'horoscope' }];
    policy.gates.design_to_develop.limited.checklist = ['no.such.item'];
    delete policy.gates.operate_review.high.reviewIntervalMonths;
    policy.gates.deploy_to_operate.prohibited = policy.gates.deploy_to_operate.high;
    delete policy.gates.develop_to_deploy.minimal;
    expect(validateGatePolicy(policy).map((error) => error.field).sort()).toEqual(
      [
        'document.gates.deploy_to_operate.prohibited',
        'document.gates.design_to_develop.limited.checklist.0',
        'document.gates.design_to_develop.minimal.evidence.0.kind',
        'document.gates.develop_to_deploy.minimal',
        'document.gates.operate_review.high.reviewIntervalMonths',
        'document.gates.retire.high.signOffs.0.quorum',
        'document.gates.retire.high.signOffs.1.role',
        'document.gates.retire.high.signOffs.2.role',
      ].sort(),
    );
  });

  it('refuses a gate with no sign-off at all', () => {
    const policy = defaultPolicy();
    policy.gates.retire.minimal.signOffs = [];
    expect(validateGatePolicy(policy)).toEqual([{ field: 'document.gates.retire.minimal.signOffs', detail: 'at least one sign-off role is required' }]);
  });

  it('looks checklist ids up among the own items only, never the prototype chain', () => {
    const policy = defaultPolicy();
    policy.gates.retire.minimal.checklist = ['constructor', 'toString'];
    expect(validateGatePolicy(policy)).toEqual([
      { field: 'document.gates.retire.minimal.checklist.0', detail: 'constructor is not an item of checklistItems' },
      { field: 'document.gates.retire.minimal.checklist.1', detail: 'toString is not an item of checklistItems' },
    ]);
  });

  it('refuses a checklist item named constructor or prototype', () => {
    const policy = defaultPolicy();
    policy.checklistItems = JSON.parse('{"constructor":{"text":"t","guide":"g"},"prototype":{"text":"t","guide":"g"}}');
    expect(validateGatePolicy(policy)).toEqual(
      expect.arrayContaining([
        { field: 'document.checklistItems.constructor', detail: 'constructor is reserved and cannot name a checklist item' },
        { field: 'document.checklistItems.prototype', detail: 'prototype is reserved and cannot name a checklist item' },
      ]),
    );
  });
});

describe('requirement notes', () => {
  it('refuses a note that is not text', () => {
    const document = JSON.parse(JSON.stringify(DEFAULT_GATE_POLICY_DATA));
    document.gates.retire.minimal.signOffs[0].note = {};
    document.gates.retire.high.evidence = [{ kind: 'rollback_plan', note: 42 }];
    expect(validateGatePolicy(document).map((error) => error.field)).toEqual([
      'document.gates.retire.minimal.signOffs.0.note',
      'document.gates.retire.high.evidence.0.note',
    ]);
  });
});

describe('impact assessments and risk acceptance in a policy', () => {
  it('the default requires an approved assessment at limited and high for design and deploy_to_operate, and for high at develop_to_deploy', () => {
    const policy = defaultPolicy();
    for (const gate of ['design_to_develop', 'deploy_to_operate'] as const) {
      expect(policy.gates[gate].minimal.impactAssessment).toBeUndefined();
      expect(policy.gates[gate].limited.impactAssessment).toEqual({});
      expect(policy.gates[gate].high.impactAssessment).toEqual({});
    }
    expect(policy.gates.develop_to_deploy.high.impactAssessment).toEqual({});
    expect(policy.gates.develop_to_deploy.limited.impactAssessment).toBeUndefined();
  });

  it('gives risk acceptance at severity 5 to legal alone and below to legal or an assessor; never to a team role', () => {
    const policy = defaultPolicy();
    expect(riskAcceptors(policy, 5)).toEqual(['legal']);
    for (const severity of [1, 2, 3, 4]) expect(riskAcceptors(policy, severity)).toEqual(['legal', 'assessor']);
    expect(impactAssessmentApprovers(policy)).toEqual(['legal', 'assessor']);
    // A policy without the rules: legal or an assessor at every severity.
    const { riskAcceptance: _rules, impactAssessmentApprovers: _approvers, ...bare } = policy;
    expect(riskAcceptors(bare, 5)).toEqual(['legal', 'assessor']);
    expect(impactAssessmentApprovers(bare)).toEqual(['legal', 'assessor']);
  });

  it('refuses team roles as deciders, a severity without a rule, and a malformed assessment requirement', () => {
    const policy = defaultPolicy() as unknown as Record<string, unknown> & GatePolicyDocument;
    Object.assign(policy, { impactAssessmentApprovers: ['developer'], riskAcceptance: [{ fromSeverity: 4, roles: ['legal'] }, { fromSeverity: 4, roles: [] }] });
    (policy.gates.design_to_develop.high as unknown as Record<string, unknown>).impactAssessment = { acceptedTemplateVersions: ['one'] };
    (policy.gates.retire.high as unknown as Record<string, unknown>).impactAssessment = { minimumVersion: 2 };
    expect(validateGatePolicy(policy).map((error) => error.field)).toEqual([
      'document.gates.design_to_develop.high.impactAssessment.acceptedTemplateVersions',
      'document.gates.retire.high.impactAssessment',
      'document.impactAssessmentApprovers',
      'document.riskAcceptance.1.fromSeverity',
      'document.riskAcceptance.1.roles',
      'document.riskAcceptance',
    ]);
  });
});
