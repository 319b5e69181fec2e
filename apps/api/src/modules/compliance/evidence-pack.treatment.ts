import type { Tier } from '../gate-reviews/lifecycle';
import { ApprovalBasis, AssessmentScope, assessmentStanding } from '../impact-assessments/assessment-standing.policy';
import { riskTreatments } from '../use-cases/risk-acceptance.policy';
import type { Risk } from '../use-cases/risk-tier.policy';
import type { UseCaseContent } from '../use-cases/use-case-content';
import type { treatmentOf } from './evidence-pack.repository';

/** What the pack read of one use case's assessment and risk acceptances (evidence-pack.repository.ts). */
export type TreatmentRecords = Awaited<ReturnType<typeof treatmentOf>>;

/** The use case as it was read: the revision, content hash and tier the standing and the treatments were computed on. */
function readAt(useCaseId: string, records: TreatmentRecords) {
  const useCase = records.useCase;
  if (!useCase) throw new Error(`use case ${useCaseId} was not found while its records were being packed`);
  return { useCase, head: { id: useCaseId, revision: useCase.revision, contentHash: useCase.contentHash, tier: useCase.tier } };
}

/**
 * `use-cases/<id>/impact-assessment.json`: the assessment with every revision
 * (and the answers of each, so what was approved can be read and its hash
 * recomputed), every decision with the scope and tier it covered, the
 * approval in force, and where it stands against the use case as read. A use
 * case without an assessment gets `assessment: null` and the standing `none`.
 */
export function impactAssessmentFile(useCaseId: string, records: TreatmentRecords) {
  const { useCase, head } = readAt(useCaseId, records);
  const { assessment, revisions, decisions } = records;
  const approval = assessment?.approvalId ? (decisions.find((d) => d.id === assessment.approvalId) ?? null) : null;
  if (assessment?.approvalId && !approval) throw new Error(`the approval ${assessment.approvalId} of use case ${useCaseId}'s impact assessment was not found while it was being packed`);
  const basis: ApprovalBasis | null = approval
    ? { decisionId: approval.id, revision: approval.revision, templateVersion: approval.templateVersion, scope: approval.scope as unknown as AssessmentScope, tier: approval.tier }
    : null;
  const standing = assessmentStanding({ exists: assessment !== null, approval: basis }, { content: useCase.content as unknown as UseCaseContent, tier: useCase.tier as Tier });
  return {
    useCase: head,
    assessment: assessment && {
      id: assessment.id,
      templateVersion: assessment.templateVersion,
      revision: assessment.revision,
      status: assessment.status,
      contentHash: assessment.contentHash,
      answers: assessment.answers,
      submitted: assessment.submittedBy ? { by: assessment.submittedBy, at: assessment.submittedAt, useCaseRevision: assessment.submittedUseCaseRevision } : null,
      approval,
      revisions,
      decisions,
      createdBy: assessment.createdBy,
      createdAt: assessment.createdAt,
      updatedAt: assessment.updatedAt,
    },
    standing: { state: standing.state, reasons: standing.reasons },
  };
}

/**
 * `use-cases/<id>/risks.json`: each risk of the content as read, with its
 * treatment and owner, inherent and residual scores, the score the tier counts
 * (and on which), the acceptance that covers it as it stands and whether it
 * awaits one; and every acceptance ever recorded for the use case, oldest
 * first, including those an edit of their risk has left behind.
 */
export function risksFile(useCaseId: string, records: TreatmentRecords) {
  const { useCase, head } = readAt(useCaseId, records);
  const risks = (useCase.content.risks ?? []) as Risk[];
  const treatments = riskTreatments(risks, records.acceptances);
  return {
    useCase: head,
    risks: risks.map((risk, index) => {
      const treatment = treatments[index];
      return {
        id: risk.id,
        description: risk.description,
        category: risk.category,
        treatment: treatment.treatment,
        owner: treatment.owner ?? null,
        severity: risk.severity,
        likelihood: risk.likelihood,
        residualSeverity: risk.residualSeverity ?? null,
        residualLikelihood: risk.residualLikelihood ?? null,
        mitigation: risk.mitigation ?? null,
        status: risk.status,
        scoredOn: treatment.scoredOn,
        score: treatment.score,
        acceptance: treatment.acceptance,
        awaitingAcceptance: treatment.awaitingAcceptance,
      };
    }),
    acceptances: records.acceptances,
  };
}
