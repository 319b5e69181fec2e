import type { Schema } from '../../../api/client';

export type ImpactAssessment = Schema<'ImpactAssessmentResponse'>;

export const ASSESSMENT_STATE_LABELS: Record<Schema<'AssessmentStandingResponse'>['state'], string> = {
  none: 'Not started',
  not_approved: 'Not approved yet',
  stale: 'Stale: approved for an earlier scope',
  approved: 'Approved',
};

export const ASSESSMENT_STATUS_LABELS: Record<ImpactAssessment['status'], string> = {
  draft: 'Draft',
  submitted: 'Submitted, waiting for a decision',
  approved: 'Approved',
};

/** The template document as the API describes it in words: sections of questions. */
export interface TemplateQuestion {
  id: string;
  text: string;
  kind: 'text' | 'choice' | 'scale' | 'groups';
  required: boolean;
  help?: string;
  options?: string[];
  scale?: { min: number; max: number; labels?: Record<string, string> };
  guide?: string[];
  controls?: string[];
}

export interface TemplateDocument {
  name: string;
  source?: string;
  sections: { id: string; title: string; questions: TemplateQuestion[] }[];
}

export interface AffectedGroup {
  name: string;
  nonUser: boolean;
  impact: string;
}
