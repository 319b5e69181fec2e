import { randomBytes } from 'node:crypto';
import type { AssessmentTemplateDocument } from '../../apps/api/src/modules/impact-assessments/assessment-template';
import { bearer, TestUser } from './identity-helpers';
import { TestApp } from './test-app';

/** Answers to every required question of the template, valid for its kind; `note` makes the first text answer unique. */
export function answersFor(template: AssessmentTemplateDocument, note = randomBytes(3).toString('hex')): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  let first = true;
  for (const question of template.sections.flatMap((section) => section.questions)) {
    if (!question.required) continue;
    if (question.kind === 'text') {
      answers[question.id] = first ? `Assessed for this revision (${note}).` : `Considered: ${question.text.slice(0, 60)}`;
      first = false;
    } else if (question.kind === 'choice') answers[question.id] = question.options![0];
    else if (question.kind === 'scale') answers[question.id] = question.scale!.min;
    else answers[question.id] = [{ name: 'Claimants', nonUser: false, impact: 'Decisions on their claims' }, { name: 'Neighbours of claimants', nonUser: true, impact: 'Named in free text' }];
  }
  return answers;
}

export async function currentTemplate(t: TestApp, token: string): Promise<{ version: number; document: AssessmentTemplateDocument }> {
  return (await t.http().get('/api/assessment-templates/current').set(bearer(token)).expect(200)).body;
}

/**
 * Drafts (or redrafts), submits and approves the use case's impact assessment:
 * `author` is on the team, `approver` is legal or an assessor outside it.
 * Returns the assessment as approved.
 */
export async function givenApprovedAssessment(t: TestApp, useCaseId: string, author: TestUser, approver: TestUser, role: 'legal' | 'assessor' = 'legal') {
  const template = await currentTemplate(t, author.token);
  const saved = await t.http().put(`/api/use-cases/${useCaseId}/impact-assessment`).set(bearer(author.token))
    .send({ templateVersion: template.version, answers: answersFor(template.document) });
  if (saved.status !== 200) throw new Error(`could not save the assessment: ${saved.status} ${JSON.stringify(saved.body)}`);
  const submitted = await t.http().post(`/api/use-cases/${useCaseId}/impact-assessment/submit`).set(bearer(author.token)).send({ revision: saved.body.revision });
  if (submitted.status !== 200) throw new Error(`could not submit the assessment: ${submitted.status} ${JSON.stringify(submitted.body)}`);
  const approved = await t.http().post(`/api/use-cases/${useCaseId}/impact-assessment/decisions`).set(bearer(approver.token))
    .send({ revision: saved.body.revision, role, decision: 'approve', comment: 'Impacts considered and proportionate.' });
  if (approved.status !== 201) throw new Error(`could not approve the assessment: ${approved.status} ${JSON.stringify(approved.body)}`);
  return approved.body as { id: string; revision: number; standing: { state: string } };
}
