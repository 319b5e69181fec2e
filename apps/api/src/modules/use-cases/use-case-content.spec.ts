import { changedFields, contentDiff, contentHash, UseCaseContent } from './use-case-content';

const content = (): UseCaseContent => ({
  title: 'Claims triage',
  businessProblem: 'Route insurance claims to the right handler',
  workflow: { description: 'Classifier then human review', components: [{ name: 'classifier', description: 'text model' }] },
  inputs: ['claim text'],
  outputs: ['queue'],
  stakeholders: [{ name: 'claimants', objectives: 'fast decisions', affectedNonUser: true }],
  intendedUse: 'Suggest a queue',
  foreseeableMisuse: 'Automatic denial',
  aiRole: 'deployer',
  developerTeamId: 'team-a',
  deployerTeamId: 'team-b',
  risks: [
    { id: 'r1', description: 'bias', category: 'fairness', severity: 3, likelihood: 3, mitigation: null, owner: null, residualSeverity: null, residualLikelihood: null, status: 'open' },
  ],
  checklist: { 'design.define_use_case': { answer: 'yes', note: null } },
  tierOverride: null,
  evidence: [{ id: 'e1', kind: 'risk_assessment', title: 'RA', sha256: 'a'.repeat(64), url: null }],
});

describe('contentHash', () => {
  it('is the same for the same content whatever the member order', () => {
    const a = content();
    const reordered = Object.fromEntries(Object.entries(a).reverse()) as unknown as UseCaseContent;
    reordered.workflow = { components: a.workflow.components, description: a.workflow.description };
    expect(contentHash(reordered)).toBe(contentHash(a));
  });

  it.each<[string, (c: UseCaseContent) => void]>([
    ['a field', (c) => (c.title = 'Claims triage v2')],
    ['a nested field', (c) => (c.workflow.components[0].description = 'rules')],
    ['a risk', (c) => (c.risks[0].residualLikelihood = 1)],
    ['a checklist answer', (c) => (c.checklist['design.define_use_case'].answer = 'no')],
    ['the evidence set', (c) => (c.evidence[0].sha256 = 'b'.repeat(64))],
    ['added evidence', (c) => c.evidence.push({ id: 'e2', kind: 'model_card', title: 'MC', sha256: null, url: 'https://x.test' })],
    ['the tier override', (c) => (c.tierOverride = { tier: 'high', justification: 'regulated sector' })],
  ])('changes when %s changes', (_name, change) => {
    const changed = content();
    change(changed);
    expect(contentHash(changed)).not.toBe(contentHash(content()));
  });
});

describe('changedFields and contentDiff', () => {
  it('name the top-level fields and the exact paths that changed', () => {
    const after = content();
    after.title = 'New title';
    after.risks[0].severity = 4;
    expect(changedFields(content(), after)).toEqual(['risks', 'title']);
    expect(contentDiff(content(), after)).toEqual(
      expect.arrayContaining([
        { path: 'title', type: 'changed', before: 'Claims triage', after: 'New title' },
        { path: 'risks.0.severity', type: 'changed', before: 3, after: 4 },
      ]),
    );
    expect(changedFields(content(), content())).toEqual([]);
  });
});
