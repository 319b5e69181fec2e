import { actionPatternProblem, isSelected, selectActions } from './audit-action-patterns';

describe('audit action patterns', () => {
  it('accept every action, a type of target, or an action of the catalogue', () => {
    expect(actionPatternProblem('*')).toBeUndefined();
    expect(actionPatternProblem('gate_review.*')).toBeUndefined();
    expect(actionPatternProblem('gate_review.passed')).toBeUndefined();
  });

  it('refuse what selects nothing: unknown actions and types, other wildcards', () => {
    expect(actionPatternProblem('gate_review.exploded')).toMatch(/not an audit action/);
    expect(actionPatternProblem('nothing.*')).toMatch(/no audit action starts with "nothing\."/);
    expect(actionPatternProblem('gate_*')).toMatch(/not an audit action/);
    expect(actionPatternProblem('*.passed')).toMatch(/not an audit action/);
    expect(actionPatternProblem('')).toMatch(/not an audit action/);
  });

  it('select by exact name, by type of target, or everything', () => {
    const selection = selectActions(['gate_review.*', 'user.created']);
    expect(selection).toEqual({ all: false, exact: ['user.created'], prefixes: ['gate_review'] });
    expect(isSelected(selection, 'gate_review.passed')).toBe(true);
    expect(isSelected(selection, 'user.created')).toBe(true);
    expect(isSelected(selection, 'user.updated')).toBe(false);
    // A type is matched whole: gate_review.* is not gate_reviewer.*
    expect(isSelected(selection, 'gate_reviewer.passed')).toBe(false);
    expect(isSelected(selectActions(['*']), 'anything.at_all')).toBe(true);
  });
});
