import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditTrail } from '@app/audit';
import { insertNextVersion, publishedVersion, PublishedVersion, PublishedVersions } from '@app/database';
import { ValidationFailedError } from '@app/errors';
import { RequestContext } from '@app/request-context';
import { AssessmentTemplateDocument, DEFAULT_ASSESSMENT_TEMPLATE_DATA, validateAssessmentTemplate } from './assessment-template';
import { AssessmentTemplate } from './assessment-template.entity';
import { AssessmentTemplateVersionNotFound, NoAssessmentTemplatePublished } from './impact-assessments.errors';

export type AssessmentTemplateVersion = PublishedVersion<AssessmentTemplateDocument>;

const BOOTSTRAP_ACTOR: AuditActor = { id: 'system:bootstrap', kind: 'system', displayName: 'First start', roles: [] };

/**
 * Impact-assessment templates as versioned data, published like gate
 * policies: a new version never changes an old one (the rows are immutable),
 * an assessment names the version it answers, and version 1 is the shipped
 * default drawn from the guide.
 */
@Injectable()
export class AssessmentTemplatesService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AssessmentTemplatesService.name);
  private readonly versions: PublishedVersions<AssessmentTemplateDocument, AssessmentTemplate>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly trail: AuditTrail,
    private readonly context: RequestContext,
  ) {
    this.versions = new PublishedVersions(dataSource, AssessmentTemplate, {
      noneYet: () => new NoAssessmentTemplatePublished(),
      noSuchVersion: (version) => new AssessmentTemplateVersionNotFound(version),
    });
  }

  async onApplicationBootstrap() {
    if (await this.dataSource.getRepository(AssessmentTemplate).exists()) return;
    await this.publish(DEFAULT_ASSESSMENT_TEMPLATE_DATA, 'The default template shipped with Gatehouse', BOOTSTRAP_ACTOR).catch((error: { driverError?: { code?: string } }) => {
      // Another instance starting on the same database published it first.
      if (error.driverError?.code !== '23505') throw error;
    });
    this.logger.log('Published the default impact-assessment template as version 1.');
  }

  list(): Promise<Omit<AssessmentTemplateVersion, 'document'>[]> {
    return this.versions.list();
  }

  current(manager?: EntityManager): Promise<AssessmentTemplateVersion> {
    return this.versions.latest(manager);
  }

  /** The latest version number, without its document. */
  currentVersion(manager?: EntityManager): Promise<number> {
    return this.versions.latestVersion(manager);
  }

  /** Kept once read: a published version never changes (PublishedVersions). */
  get(version: number, manager?: EntityManager): Promise<AssessmentTemplateVersion> {
    return this.versions.get(version, manager);
  }

  async publish(document: unknown, note: string | undefined, actor: AuditActor | undefined = this.context.actor): Promise<AssessmentTemplateVersion> {
    const errors = validateAssessmentTemplate(document);
    if (errors.length) throw new ValidationFailedError(errors);
    if (!actor) throw new Error('A template is published by someone: no actor in the request context, and none given.');
    const documentHash = createHash('sha256').update(canonicalize(document)!).digest('hex');
    return this.dataSource.transaction(async (manager) => {
      const template = await insertNextVersion(manager, AssessmentTemplate, { document: document as AssessmentTemplateDocument, documentHash, note: note ?? null, publishedBy: actor.id });
      await this.trail.record(manager, {
        action: 'assessment_template.published',
        target: { type: 'assessment_template', id: String(template.version) },
        data: { version: template.version, documentHash: template.documentHash, note: template.note },
        actor,
      });
      return publishedVersion(template);
    });
  }
}

