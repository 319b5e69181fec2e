import { DEFAULT_GATE_POLICY_DATA, GatePolicyDocument, validateGatePolicy } from './gate-policy';

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
