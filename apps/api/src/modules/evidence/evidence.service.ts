import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { pipeline, Readable, Transform } from 'node:stream';
import { DataSource, EntityManager, Repository, SelectQueryBuilder } from 'typeorm';
import { AuditTrail, DeniedAttempts } from '@app/audit';
import { Principal } from '@app/auth';
import { rowsToEntities } from '@app/database';
import { EvidenceReference, UseCaseContent } from '../use-cases/use-case-content';
import { UseCasesService } from '../use-cases/use-cases.service';
import { EvidenceFileFields } from './dto/evidence.dto';
import { EvidenceKind } from './evidence-kinds';
import { EVIDENCE_STORE, EvidenceStore } from './evidence-store';
import { Evidence } from './evidence.entity';
import { EvidenceAlreadySupersededError, EvidenceContentDamaged, EvidenceIsALinkError, EvidenceNotFound } from './evidence.errors';
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

/** Evidence with the id of the version that superseded it, if one did. */
type EvidenceWithSuccessor = { evidence: Evidence; supersededBy: string | null };

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
    @InjectRepository(Evidence) private readonly evidence: Repository<Evidence>,
    @Inject(EVIDENCE_STORE) private readonly store: EvidenceStore,
    private readonly useCases: UseCasesService,
    private readonly denials: DeniedAttempts,
    private readonly trail: AuditTrail,
  ) {}

  /**
   * The bytes are staged first, while the client sends them, with no lock and
   * no transaction held (a slow or vanished client must not hold the use
   * case); then one short transaction checks access again, links the file
   * and writes the revision.
   */
  async attachFile(principal: Principal, useCaseId: string, file: IncomingFile, maxBytes: number): Promise<EvidenceView> {
    return this.denials.watch(attemptOn(useCaseId), async () => {
      // Refuse an outsider before a single byte is stored.
      await this.useCases.assertMayChange(principal, useCaseId);
      const staged = await this.store.stage(file.content, maxBytes);
      try {
        return await this.dataSource.transaction(async (manager) => {
          await this.useCases.lockUseCaseForChange(manager, principal, useCaseId);
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
    return this.denials.watch(attemptOn(useCaseId), () =>
      this.dataSource.transaction(async (manager) => {
        await this.useCases.lockUseCaseForChange(manager, principal, useCaseId);
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
    const found = await withSuccessors(this.withSuccessor().where('e.useCaseId = :useCaseId', { useCaseId }).orderBy('e.uploadedAt').addOrderBy('e.id'));
    return found.map(toView);
  }

  async get(principal: Principal, useCaseId: string, evidenceId: string): Promise<EvidenceView> {
    return toView(await this.find(principal, useCaseId, evidenceId));
  }

  async download(principal: Principal, useCaseId: string, evidenceId: string): Promise<{ evidence: EvidenceView; content: Readable }> {
    const found = await this.find(principal, useCaseId, evidenceId);
    const { source, blobId, url } = found.evidence;
    if (source !== 'file' || !blobId) throw new EvidenceIsALinkError(evidenceId, url);
    const evidence = toView(found);
    // A blob that is missing or cut short is refused before anything is sent or recorded as downloaded.
    const stored = await this.store.storedBytes(blobId);
    if (stored !== evidence.sizeBytes) throw new EvidenceContentDamaged(evidence.id, `holds ${stored} bytes where ${evidence.sizeBytes} were recorded`);
    // Who read which evidence is part of the record an auditor samples: committed before the first byte is sent.
    await this.dataSource.transaction((tx) =>
      this.trail.record(tx, {
        action: 'evidence.downloaded',
        target: { type: 'evidence', id: evidence.id },
        useCaseId,
        data: { evidenceId: evidence.id, kind: evidence.kind, sha256: evidence.sha256!, sizeBytes: evidence.sizeBytes },
      }),
    );
    return { evidence, content: verifiedWhileRead(this.store.read(blobId), evidence) };
  }

  private async attach(
    manager: EntityManager,
    principal: Principal,
    useCaseId: string,
    fields: EvidenceFileFields,
    content: { source: 'file' | 'link'; url?: string; fileName?: string; mediaType?: string; sizeBytes?: number; sha256?: string; blobId?: string },
  ): Promise<EvidenceView> {
    const repository = manager.getRepository(Evidence);
    if (fields.previousId) {
      // Locks the version to supersede: two uploads superseding it take turns, and the second sees the first's.
      const previous: { use_case_id: string; superseded: boolean } | undefined = await repository
        .createQueryBuilder('e')
        .select('e.use_case_id', 'use_case_id')
        .addSelect('EXISTS (SELECT 1 FROM evidence n WHERE n.previous_id = e.id)', 'superseded')
        .where('e.id = :previousId', { previousId: fields.previousId })
        .setLock('pessimistic_write')
        .getRawOne();
      if (!previous || previous.use_case_id !== useCaseId) throw new EvidenceNotFound(`No evidence ${fields.previousId} on this use case to supersede.`);
      if (previous.superseded) throw new EvidenceAlreadySupersededError(fields.previousId);
    }
    const inserted = await repository
      .createQueryBuilder()
      .insert()
      .values({
        useCaseId,
        kind: fields.kind,
        title: fields.title,
        source: content.source,
        url: content.url ?? null,
        fileName: content.fileName ?? null,
        mediaType: content.mediaType ?? null,
        sizeBytes: content.sizeBytes ?? null,
        sha256: content.sha256 ?? null,
        blobId: content.blobId ?? null,
        previousId: fields.previousId ?? null,
        uploadedBy: principal.userId,
      })
      .returning('*')
      .execute();
    const [attached] = rowsToEntities(manager, Evidence, inserted.raw);
    const { id, kind, title, sha256, url, previousId } = attached;
    const reference: EvidenceReference = { id, kind, title, sha256, url };
    await this.useCases.change(
      principal,
      useCaseId,
      previousId ? `evidence ${previousId} superseded by ${id}` : `evidence ${id} attached`,
      (current) => withEvidence(current, reference, previousId ?? undefined),
      { action: 'evidence.attached', data: { evidenceId: id, kind, sha256, url, previousId } },
      manager,
    );
    // Just inserted: nothing supersedes it yet.
    return toView({ evidence: attached, supersededBy: null });
  }

  private async find(principal: Principal, useCaseId: string, evidenceId: string): Promise<EvidenceWithSuccessor> {
    await this.useCases.get(principal, useCaseId);
    const [found] = await withSuccessors(this.withSuccessor().where('e.id = :evidenceId AND e.useCaseId = :useCaseId', { evidenceId, useCaseId }));
    if (!found) throw new EvidenceNotFound(`No evidence ${evidenceId} on use case ${useCaseId}.`);
    return found;
  }

  /** Evidence as `e`, with the id of its successor selected as `superseded_by` (previous_id is unique: at most one). */
  private withSuccessor(): SelectQueryBuilder<Evidence> {
    return this.evidence.createQueryBuilder('e').leftJoin(Evidence, 'next', 'next.previousId = e.id').addSelect('next.id', 'superseded_by');
  }
}

async function withSuccessors(query: SelectQueryBuilder<Evidence>): Promise<EvidenceWithSuccessor[]> {
  const { entities, raw } = await query.getRawAndEntities<{ e_id: string; superseded_by: string | null }>();
  const successors = new Map(raw.map((row) => [row.e_id, row.superseded_by]));
  return entities.map((evidence) => ({ evidence, supersededBy: successors.get(evidence.id) ?? null }));
}

const attemptOn = (useCaseId: string) => ({
  attempted: 'evidence.attached',
  target: { type: 'use_case', id: useCaseId },
  useCaseId,
});

/** The current evidence set: a new version takes the place of the one it supersedes. */
function withEvidence(content: UseCaseContent, reference: EvidenceReference, previousId?: string): UseCaseContent {
  const others = content.evidence.filter((item) => item.id !== previousId);
  return { ...content, evidence: [...others, reference] };
}

function toView({ evidence, supersededBy }: EvidenceWithSuccessor): EvidenceView {
  return {
    id: evidence.id,
    useCaseId: evidence.useCaseId,
    kind: evidence.kind,
    title: evidence.title,
    source: evidence.source,
    url: evidence.url,
    fileName: evidence.fileName,
    mediaType: evidence.mediaType,
    sizeBytes: evidence.sizeBytes,
    sha256: evidence.sha256,
    previousId: evidence.previousId,
    supersededBy,
    uploadedBy: evidence.uploadedBy,
    uploadedAt: evidence.uploadedAt.toISOString(),
  };
}

/**
 * The bytes as they stream out, hashed on the way: content changed in storage
 * (same length, other bytes) ends the stream with an error instead of its last
 * chunk, so the client's transfer is cut short — fewer bytes than the
 * Content-Length announced — rather than completed wrong.
 */
function verifiedWhileRead(content: Readable, evidence: EvidenceView): Readable {
  const hash = createHash('sha256');
  // The last chunk is held back until the whole content has been hashed: a mismatch then never completes the transfer.
  let held: Buffer | undefined;
  const check = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      const previous = held;
      held = chunk;
      done(null, previous);
    },
    flush(done) {
      const actual = hash.digest('hex');
      if (actual !== evidence.sha256) return done(new EvidenceContentDamaged(evidence.id, `hashes to ${actual}, not the recorded ${evidence.sha256}`));
      done(null, held);
    },
  });
  return pipeline(content, check, () => undefined);
}
