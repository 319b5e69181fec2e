import { EntityManager } from 'typeorm';
import type { ApprovalBasis } from './assessment-standing.policy';
import type { AssessmentStatus } from './impact-assessment.entity';

/** A use case's assessment as gates, clearance and the use case view need it: where it stands, and what its approval covered. */
export interface AssessmentSummary {
  exists: boolean;
  status: AssessmentStatus | null;
  revision: number | null;
  templateVersion: number | null;
  approval: ApprovalBasis | null;
}

const NO_ASSESSMENT: AssessmentSummary = { exists: false, status: null, revision: null, templateVersion: null, approval: null };

/**
 * The assessment summaries of many use cases in one query, by use case id.
 * Read by other modules (gate reviews, the registry's view, the evidence
 * pack) through this function, so the shape of these tables stays here.
 */
export async function assessmentSummaries(manager: EntityManager, useCaseIds: string[]): Promise<Map<string, AssessmentSummary>> {
  const rows: {
    use_case_id: string;
    status: AssessmentStatus;
    revision: number;
    template_version: number;
    decision_id: string | null;
    approved_revision: number | null;
    approved_template_version: number | null;
    scope: ApprovalBasis['scope'] | null;
    tier: string | null;
  }[] = useCaseIds.length
    ? await manager.query(
        `SELECT a.use_case_id, a.status, a.revision, a.template_version,
                d.id AS decision_id, d.revision AS approved_revision, d.template_version AS approved_template_version, d.scope, d.tier
         FROM impact_assessments a LEFT JOIN impact_assessment_decisions d ON d.id = a.approval_id
         WHERE a.use_case_id = ANY($1::uuid[])`,
        [useCaseIds],
      )
    : [];
  const found = new Map(
    rows.map((row) => [
      row.use_case_id,
      {
        exists: true,
        status: row.status,
        revision: row.revision,
        templateVersion: row.template_version,
        approval: row.decision_id
          ? { decisionId: row.decision_id, revision: row.approved_revision!, templateVersion: row.approved_template_version!, scope: row.scope!, tier: row.tier! }
          : null,
      },
    ]),
  );
  return new Map(useCaseIds.map((id) => [id, found.get(id) ?? NO_ASSESSMENT]));
}

export async function assessmentSummary(manager: EntityManager, useCaseId: string): Promise<AssessmentSummary> {
  return (await assessmentSummaries(manager, [useCaseId])).get(useCaseId)!;
}
