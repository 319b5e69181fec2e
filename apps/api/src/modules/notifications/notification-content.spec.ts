import { decisionRecorded, gateLabel, obligationDue, reReviewDue, signOffNeeded } from './notification-content';

const BASE = 'https://gatehouse.example.com';
const useCase = { id: 'uc-1', title: 'Claims triage\nassistant' };
const review = { id: 'rv-1', gate: 'design_to_develop', fromStage: 'design', toStage: 'develop', tier: 'high', revision: 4 };

describe('what notifications say', () => {
  it('asks for a sign-off naming the use case, the gate, the roles asked and the link; it says it is mandatory', () => {
    const message = signOffNeeded(BASE, useCase, review, ['legal', 'assessor'], false);
    expect(message.kind).toBe('sign_off_needed');
    expect(message.subject).toBe('[Gatehouse] Sign-off needed: Claims triage assistant (design → develop)');
    expect(message.link).toBe(`${BASE}/reviews/rv-1`);
    expect(message.body).toContain('Use case: Claims triage assistant');
    expect(message.body).toContain('Gate: design → develop (tier high, revision 4)');
    expect(message.body).toContain('What is asked: decide as legal or an independent assessor on revision 4');
    expect(message.body).toContain(`Open the review: ${BASE}/reviews/rv-1`);
    expect(message.body).toContain('cannot be muted');
    expect(signOffNeeded(BASE, useCase, review, ['developer'], true).body).toContain('needs a sign-off again');
  });

  it('tells the team what was decided and what it asks of them now', () => {
    const signOff = { signerName: 'Lee Legal', role: 'legal', decision: 'reject' as const, comment: 'Not lawful here.' };
    const rejected = decisionRecorded(BASE, useCase, review, signOff, 'rejected');
    expect(rejected).toMatchObject({ kind: 'decision_made', subject: '[Gatehouse] Review rejected: Claims triage assistant (design → develop)', link: `${BASE}/reviews/rv-1` });
    expect(rejected.body).toContain('Lee Legal rejected as legal');
    expect(rejected.body).toContain('Their comment: Not lawful here.');
    expect(rejected.body).toContain('notification preferences');
    const passed = decisionRecorded(BASE, useCase, review, { ...signOff, decision: 'approve' }, 'passed');
    expect(passed.subject).toBe('[Gatehouse] Gate passed: Claims triage assistant (design → develop)');
    expect(passed.body).toContain('the use case is now in develop');
    expect(decisionRecorded(BASE, useCase, review, { ...signOff, decision: 'request_changes' }, 'changes_requested').kind).toBe('changes_requested');
  });

  it('tells an owner when an obligation falls due, and the teams when a periodic review is due', () => {
    const obligation = { id: 'ob-1', description: 'Re-run the fairness tests', dueDate: '2027-03-31', gate: 'deploy_to_operate', reviewId: 'rv-2' };
    expect(obligationDue(BASE, useCase, obligation, '2027-03-28').body).toContain('is due on 2027-03-31');
    expect(obligationDue(BASE, useCase, obligation, '2027-04-02').body).toContain('was due on 2027-03-31');
    expect(obligationDue(BASE, useCase, obligation, '2027-03-28').link).toBe(`${BASE}/use-cases/uc-1/obligations`);
    expect(reReviewDue(BASE, useCase, { nextReviewDue: '2027-01-01', reason: null }, '2027-01-05').body).toContain('was due on 2027-01-01 and is overdue');
    expect(reReviewDue(BASE, useCase, { nextReviewDue: '2027-01-05', reason: 'intended use changed' }, '2027-01-05').body).toContain('its intended use changed, so it must be reviewed again');
  });

  it('names gates in words', () => {
    expect(gateLabel('retire')).toBe('retirement');
    expect(gateLabel('operate_review')).toBe('periodic review (operate)');
    expect(gateLabel('develop_to_deploy')).toBe('develop to deploy');
  });
});
