import type { UseCaseContent } from '../use-cases/use-case-content';
import { ApprovalBasis, assessmentGaps, assessmentStanding, scopeOf } from './assessment-standing.policy';

const content = {
  intendedUse: 'Suggest a queue.',
  stakeholders: [{ name: 'claimants', objectives: 'fair handling', affectedNonUser: true }],
  inputs: ['claim text'],
  outputs: ['queue'],
  businessProblem: 'slow triage',
} as unknown as UseCaseContent;

const approval = (overrides: Partial<ApprovalBasis> = {}): ApprovalBasis => ({ decisionId: 'd1', revision: 2, templateVersion: 1, scope: scopeOf(content), tier: 'limited', ...overrides });

describe('where an impact assessment stands', () => {
  it('is none without an assessment, not approved without an approval, approved while scope and tier hold', () => {
    expect(assessmentStanding({ exists: false, approval: null }, { content, tier: 'limited' }).state).toBe('none');
    expect(assessmentStanding({ exists: true, approval: null }, { content, tier: 'limited' }).state).toBe('not_approved');
    expect(assessmentStanding({ exists: true, approval: approval() }, { content, tier: 'limited' })).toMatchObject({ state: 'approved', reasons: [] });
  });

  it.each([
    ['intendedUse', 'Rank claims.', 'intended use'],
    ['stakeholders', [], 'stakeholders'],
    ['inputs', ['claim text', 'photos'], 'inputs'],
    ['outputs', ['queue', 'reason'], 'outputs'],
  ])('goes stale when %s changes', (field, value, label) => {
    const changed = { ...content, [field]: value } as UseCaseContent;
    expect(assessmentStanding({ exists: true, approval: approval() }, { content: changed, tier: 'limited' })).toEqual({
      state: 'stale',
      reasons: [`The use case's ${label} changed since the impact assessment was approved.`],
      approval: approval(),
    });
  });

  it('does not go stale on other fields, or on member order', () => {
    const reordered = { outputs: content.outputs, inputs: content.inputs, stakeholders: [{ affectedNonUser: true, objectives: 'fair handling', name: 'claimants' }], intendedUse: content.intendedUse, businessProblem: 'other' } as unknown as UseCaseContent;
    expect(assessmentStanding({ exists: true, approval: approval() }, { content: reordered, tier: 'limited' }).state).toBe('approved');
  });

  it('goes stale when the tier rises, not when it falls', () => {
    expect(assessmentStanding({ exists: true, approval: approval() }, { content, tier: 'high' }).reasons).toEqual(['The tier rose from limited to high since the impact assessment was approved.']);
    expect(assessmentStanding({ exists: true, approval: approval() }, { content, tier: 'minimal' }).state).toBe('approved');
  });
});

describe('what a gate asks of the assessment', () => {
  const approved = assessmentStanding({ exists: true, approval: approval({ templateVersion: 1 }) }, { content, tier: 'limited' });

  it('asks nothing when the gate does not require one', () => {
    expect(assessmentGaps(undefined, assessmentStanding({ exists: false, approval: null }, { content, tier: 'high' }), 1)).toEqual([]);
  });

  it('needs the current template version unless the policy names the older one', () => {
    expect(assessmentGaps({}, approved, 1)).toEqual([]);
    expect(assessmentGaps({}, approved, 2)).toEqual(['impact assessment: it was approved on template version 1; this gate needs template version 2.']);
    expect(assessmentGaps({ acceptedTemplateVersions: [1] }, approved, 2)).toEqual([]);
  });

  it('passes on the reasons a stale or missing assessment gives', () => {
    const stale = assessmentStanding({ exists: true, approval: approval() }, { content, tier: 'high' });
    expect(assessmentGaps({}, stale, 1)).toEqual(['impact assessment: The tier rose from limited to high since the impact assessment was approved.']);
  });
});
