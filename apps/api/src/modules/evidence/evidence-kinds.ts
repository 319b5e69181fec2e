/** The evidence catalogue. Gate policies name these kinds; uploads must use one of them. */
export const EVIDENCE_KINDS = [
  'risk_assessment',
  'impact_assessment',
  'model_card',
  'datasheet',
  'test_plan',
  'test_report',
  'red_team_report',
  'human_oversight_plan',
  'monitoring_plan',
  'rollback_plan',
  'legal_review',
  'other',
] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];
