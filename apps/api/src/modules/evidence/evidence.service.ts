import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { DeniedAttempts } from '@app/audit';
import { Principal, toAuditActor } from '@app/auth';
import { ConflictError, NotFoundError } from '@app/errors';
import { EvidenceReference, UseCaseContent } from '../use-cases/use-case-content';
import { UseCasesService } from '../use-cases/use-cases.service';
import { EvidenceFileFields } from './dto/evidence.dto';
import { EvidenceKind } from './evidence-kinds';
import { EVIDENCE_STORE, EvidenceStore } from './evidence-store';
import { IncomingFile } from './multipart-upload';

export interface EvidenceView {
  id: string;
  useCaseId: string;
  kind: EvidenceKind;
  title: string;
  source: 'file' | 'link';
  url: string | null;
  fileName: string | null;
  mediaType: string | null;
  sizeBytes: number | null;
  sha256: string | null;
  previousId: string | null;
  supersededBy: string | null;
  uploadedBy: string;
  uploadedAt: string;
}

/** Staged bytes older than this belong to an upload that will never finish (a killed process). */
const ABANDONED_UPLOAD_AGE_MS = 60 * 60 * 1000;
const SWEEP_EVERY_MS = 15 * 60 * 1000;

const EVIDENCE_SQL = `
  SELECT e.id, e.use_case_id AS "useCaseId", e.kind, e.title, e.source, e.url, e.file_name AS "fileName", e.media_type AS "mediaType",
         e.size_bytes::float8 AS "sizeBytes", e.sha256, e.previous_id AS "previousId", next.id AS "supersededBy",
         e.uploaded_by AS "uploadedBy", e.uploaded_at AS "uploadedAt", e.blob_id AS "blobId"
  FROM evidence e LEFT JOIN evidence next ON next.previous_id = e.id`;

/**
 * Evidence files and links. Content is immutable: a new version is a new row
 * pointing at the one it replaces. Attaching evidence changes the use case's
 * evidence set, so it makes a new revision, in the same transaction.
 */
@Injectable()
export class EvidenceService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EvidenceService.name);
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(EVIDENCE_STORE) private readonly store: EvidenceStore,
    private readonly useCases: UseCasesService,
    private readonly denials: DeniedAttempts,
  ) {}

  /**
   * The bytes are staged first, while the client sends them, with no lock and
   * no transaction held (a slow or vanished client must not hold the use
   * case); then one short transaction checks access again, links the file
   * and writes the revision.
   */
  async attachFile(principal: Principal, useCaseId: string, file: IncomingFile, maxBytes: number): Promise<EvidenceView> {
    return this.denials.watch(attemptOn(principal, useCaseId), async () => {
      // Refuse an outsider before a single byte is stored.
      await this.useCases.assertMayChange(principal, useCaseId);
      const staged = await this.store.stage(file.content, maxBytes);
      try {
        return await this.dataSource.transaction(async (manager) => {
          await this.useCases.lockForChange(manager, principal, useCaseId);
          await this.store.commit(manager, staged);
          return this.attach(manager, principal, useCaseId, file.fields, {
            source: 'file', fileName: file.fileName, mediaType: file.mediaType, sizeBytes: staged.sizeBytes, sha256: staged.sha256, blobId: staged.key,
          });
        });
      } catch (error) {
        await this.store.discard(staged.key);
        throw error;
      }
    });
  }

  attachLink(principal: Principal, useCaseId: string, fields: EvidenceFileFields & { url: string }): Promise<EvidenceView> {
    return this.denials.watch(attemptOn(principal, useCaseId), () =>
      this.dataSource.transaction(async (manager) => {
        await this.useCases.lockForChange(manager, principal, useCaseId);
        return this.attach(manager, principal, useCaseId, fields, { source: 'link', url: fields.url });
      }),
    );
  }

  /** Staged bytes of uploads that never reached their final transaction, left by a killed process. */
  async sweepAbandonedUploads(olderThanMs = ABANDONED_UPLOAD_AGE_MS): Promise<number> {
    const removed = await this.store.sweep(olderThanMs);
    if (removed) this.logger.log(`removed ${removed} staged chunks of abandoned uploads`);
    return removed;
  }

  onApplicationBootstrap() {
    const sweep = () => void this.sweepAbandonedUploads().catch((error) => this.logger.warn({ err: error }, 'could not sweep abandoned uploads'));
    sweep();
    this.sweeper = setInterval(sweep, SWEEP_EVERY_MS).unref();
  }

  onModuleDestroy() {
    clearInterval(this.sweeper);
  }

  async list(principal: Principal, useCaseId: string): Promise<EvidenceView[]> {
    await this.useCases.get(principal, useCaseId);
    const rows = await this.dataSource.query(`${EVIDENCE_SQL} WHERE e.use_case_id = $1 ORDER BY e.uploaded_at, e.id`, [useCaseId]);
    return rows.map(withoutBlob);
  }

  async get(principal: Principal, useCaseId: string, evidenceId: string): Promise<EvidenceView> {
    return withoutBlob(await this.find(principal, useCaseId, evidenceId));
  }

  async download(principal: Principal, useCaseId: string, evidenceId: string): Promise<{ evidence: EvidenceView; content: Readable }> {
    const row = await this.find(principal, useCaseId, evidenceId);
    if (row.source !== 'file' || !row.blobId) throw new ConflictError(`Evidence ${evidenceId} is a link (${row.url}); it has no content to download.`);
    return { evidence: withoutBlob(row), content: this.store.read(row.blobId) };
  }

  private async attach(
    manager: EntityManager,
    principal: Principal,
    useCaseId: string,
    fields: EvidenceFileFields,
    content: { source: 'file' | 'link'; url?: string; fileName?: string; mediaType?: string; sizeBytes?: number; sha256?: string; blobId?: string },
  ): Promise<EvidenceView> {
    if (fields.previousId) {
      const [previous] = await manager.query(
        `SELECT e.use_case_id, EXISTS (SELECT 1 FROM evidence n WHERE n.previous_id = e.id) AS superseded FROM evidence e WHERE e.id = $1 FOR UPDATE`,
        [fields.previousId],
      );
      if (!previous || previous.use_case_id !== useCaseId) throw new NotFoundError(`No evidence ${fields.previousId} on this use case to supersede.`);
      if (previous.superseded) throw new ConflictError(`Evidence ${fields.previousId} already has a newer version; supersede that one.`);
    }
    const [{ id }] = await manager.query(
      `INSERT INTO evidence (use_case_id, kind, title, source, url, file_name, media_type, size_bytes, sha256, blob_id, previous_id, uploaded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
      [useCaseId, fields.kind, fields.title, content.source, content.url ?? null, content.fileName ?? null, content.mediaType ?? null,
        content.sizeBytes ?? null, content.sha256 ?? null, content.blobId ?? null, fields.previousId ?? null, principal.userId],
    );
    const reference: EvidenceReference = { id, kind: fields.kind, title: fields.title, sha256: content.sha256 ?? null, url: content.url ?? null };
    await this.useCases.change(
      principal,
      useCaseId,
      fields.previousId ? `evidence ${fields.previousId} superseded by ${id}` : `evidence ${id} attached`,
      (current) => withEvidence(current, reference, fields.previousId),
      { action: 'evidence.attached', data: { evidenceId: id, kind: fields.kind, sha256: content.sha256 ?? null, url: content.url ?? null, previousId: fields.previousId ?? null } },
      manager,
    );
    const [row] = await manager.query(`${EVIDENCE_SQL} WHERE e.id = $1`, [id]);
    return withoutBlob(row);
  }

  private async find(principal: Principal, useCaseId: string, evidenceId: string) {
    await this.useCases.get(principal, useCaseId);
    const [row] = await this.dataSource.query(`${EVIDENCE_SQL} WHERE e.id = $1 AND e.use_case_id = $2`, [evidenceId, useCaseId]);
    if (!row) throw new NotFoundError(`No evidence ${evidenceId} on use case ${useCaseId}.`);
    return row as EvidenceView & { blobId: string | null };
  }
}

const attemptOn = (principal: Principal, useCaseId: string) => ({
  actor: toAuditActor(principal),
  attempted: 'evidence.attached',
  target: { type: 'use_case', id: useCaseId },
  useCaseId,
});

/** The current evidence set: a new version takes the place of the one it supersedes. */
function withEvidence(content: UseCaseContent, reference: EvidenceReference, previousId?: string): UseCaseContent {
  const others = content.evidence.filter((item) => item.id !== previousId);
  return { ...content, evidence: [...others, reference] };
}

function withoutBlob(row: EvidenceView & { blobId?: string | null }): EvidenceView {
  const { blobId: _blobId, ...view } = row;
  return { ...view, uploadedAt: new Date(view.uploadedAt).toISOString() };
}
