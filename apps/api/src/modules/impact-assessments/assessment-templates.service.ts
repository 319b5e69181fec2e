import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditTrail } from '@app/audit';
import { insertNextVersion } from '@app/database';
import { ValidationFailedError } from '@app/errors';
import { RequestContext } from '@app/request-context';
import { AssessmentTemplateDocument, DEFAULT_ASSESSMENT_TEMPLATE_DATA, validateAssessmentTemplate } from './assessment-template';
import { AssessmentTemplate } from './assessment-template.entity';
import { AssessmentTemplateVersionNotFound, NoAssessmentTemplatePublished } from './impact-assessments.errors';

export interface AssessmentTemplateVersion {
  version: number;
  document: AssessmentTemplateDocument;
  documentHash: string;
  note: string | null;
  publishedBy: string;
  publishedAt: string;
}

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
  private readonly published = new Map<number, AssessmentTemplateVersion>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly trail: AuditTrail,
    private readonly context: RequestContext,
  ) {}

  async onApplicationBootstrap() {
    if (await this.dataSource.getRepository(AssessmentTemplate).exists()) return;
    await this.publish(DEFAULT_ASSESSMENT_TEMPLATE_DATA, 'The default template shipped with Gatehouse', BOOTSTRAP_ACTOR).catch((error: { driverError?: { code?: string } }) => {
      // Another instance starting on the same database published it first.
      if (error.driverError?.code !== '23505') throw error;
    });
    this.logger.log('Published the default impact-assessment template as version 1.');
  }

  async list(): Promise<Omit<AssessmentTemplateVersion, 'document'>[]> {
    const rows = await this.dataSource.getRepository(AssessmentTemplate).find({
      select: { version: true, documentHash: true, note: true, publishedBy: true, publishedAt: true },
      order: { version: 'ASC' },
    });
    return rows.map(({ document: _document, ...summary }) => ({ ...summary, publishedAt: summary.publishedAt.toISOString() }));
  }

  async current(manager: EntityManager = this.dataSource.manager): Promise<AssessmentTemplateVersion> {
    const [latest] = await manager.getRepository(AssessmentTemplate).find({ order: { version: 'DESC' }, take: 1 });
    if (!latest) throw new NoAssessmentTemplatePublished();
    return toVersion(latest);
  }

  /** The latest version number, without its document. */
  async currentVersion(manager: EntityManager = this.dataSource.manager): Promise<number> {
    const [latest] = await manager.getRepository(AssessmentTemplate).find({ select: { version: true }, order: { version: 'DESC' }, take: 1 });
    if (!latest) throw new NoAssessmentTemplatePublished();
    return latest.version;
  }

  /** A published version never changes, so it is read once and kept. */
  async get(version: number, manager: EntityManager = this.dataSource.manager): Promise<AssessmentTemplateVersion> {
    const cached = this.published.get(version);
    if (cached) return cached;
    const found = await manager.getRepository(AssessmentTemplate).findOneBy({ version });
    if (!found) throw new AssessmentTemplateVersionNotFound(version);
    const template = toVersion(found);
    this.published.set(version, template);
    return template;
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
      return toVersion(template);
    });
  }
}

function toVersion(template: AssessmentTemplate): AssessmentTemplateVersion {
  return { ...template, publishedAt: template.publishedAt.toISOString() };
}
