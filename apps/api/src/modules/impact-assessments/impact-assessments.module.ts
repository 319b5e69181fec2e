import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GatePoliciesModule } from '../gate-policies/gate-policies.module';
import { UseCasesModule } from '../use-cases/use-cases.module';
import { AssessmentTemplate } from './assessment-template.entity';
import { AssessmentTemplatesController } from './assessment-templates.controller';
import { AssessmentTemplatesService } from './assessment-templates.service';
import { ImpactAssessmentDecision } from './impact-assessment-decision.entity';
import { ImpactAssessmentRevision } from './impact-assessment-revision.entity';
import { ImpactAssessment } from './impact-assessment.entity';
import { ImpactAssessmentsController } from './impact-assessments.controller';
import { ImpactAssessmentsService } from './impact-assessments.service';

/** Impact-assessment templates and each use case's assessment, as governed records. */
@Module({
  imports: [TypeOrmModule.forFeature([AssessmentTemplate, ImpactAssessment, ImpactAssessmentRevision, ImpactAssessmentDecision]), GatePoliciesModule, UseCasesModule],
  controllers: [AssessmentTemplatesController, ImpactAssessmentsController],
  providers: [AssessmentTemplatesService, ImpactAssessmentsService],
  exports: [AssessmentTemplatesService, ImpactAssessmentsService],
})
export class ImpactAssessmentsModule {}
