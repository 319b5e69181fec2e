import { Entity } from 'typeorm';
import { PublishedRowColumns } from '@app/database';
import type { AssessmentTemplateDocument } from './assessment-template';

/** One published version of the impact-assessment template. Versions are immutable; the next is max(version) + 1. */
@Entity('assessment_templates')
export class AssessmentTemplate extends PublishedRowColumns<AssessmentTemplateDocument> {}
