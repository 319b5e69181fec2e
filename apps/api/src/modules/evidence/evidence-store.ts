import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { EvidenceBlobChunk } from './evidence-blob-chunk.entity';
import { EvidenceBlob } from './evidence-blob.entity';
import { EvidenceUploadChunk } from './evidence-upload-chunk.entity';
import { EvidenceTooLargeError } from './evidence.errors';
import { commitWithoutWaitingForFlush, copyStagedChunksToBlob } from './evidence.repository';

export interface StoredContent {
  key: string;
  sizeBytes: number;
  sha256: string;
}

/**
 * Where evidence bytes live. An upload is first staged — streamed in while the
 * client sends it, with no transaction or lock held — and then committed in
 * the short transaction that links it to the use case, so a refused or failed
 * link leaves nothing behind. The PostgreSQL store below is the default; an
 * object store can implement the same methods.
 */
export interface EvidenceStore {
  stage(content: AsyncIterable<Buffer>, maxBytes: number): Promise<StoredContent>;
  commit(manager: EntityManager, staged: StoredContent): Promise<void>;
  discard(key: string): Promise<void>;
  /** Removes staged bytes of uploads that never finished (a killed process, a lost client). */
  sweep(olderThanMs: number): Promise<number>;
  read(key: string): Readable;
  /** How many bytes the stored blob holds (0 for a blob with no bytes, or none at all). */
  storedBytes(key: string): Promise<number>;
}

export const EVIDENCE_STORE = Symbol('EVIDENCE_STORE');

/** 256 KiB: few round trips, and short-lived enough for the garbage collector to keep memory flat. */
const CHUNK_BYTES = 256 * 1024;

/** Bytes in PostgreSQL, as numbered bytea chunks, hashed while they stream in. */
@Injectable()
export class PostgresEvidenceStore implements EvidenceStore {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(EvidenceUploadChunk) private readonly staged: Repository<EvidenceUploadChunk>,
    @InjectRepository(EvidenceBlobChunk) private readonly chunks: Repository<EvidenceBlobChunk>,
  ) {}

  /**
   * Each chunk is committed on its own, through a connection taken only for
   * that insert: a slow client costs staging rows, never a pooled connection
   * or a lock. Anything that stops the stream early discards what was staged.
   */
  async stage(content: AsyncIterable<Buffer>, maxBytes: number): Promise<StoredContent> {
    const key = randomUUID();
    const hash = createHash('sha256');
    let size = 0;
    let seq = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (!pendingBytes) return;
      const data = Buffer.concat(pending, pendingBytes);
      const chunkSeq = seq++;
      // Staged bytes are disposable until the link commits (durably, which flushes these too), so each
      // chunk's commit does not wait for its own WAL flush: a hundred chunks, not a hundred fsyncs.
      await this.dataSource.transaction(async (tx) => {
        await commitWithoutWaitingForFlush(tx);
        await tx.createQueryBuilder().insert().into(EvidenceUploadChunk).values({ uploadId: key, seq: chunkSeq, data }).updateEntity(false).execute();
      });
      pending = [];
      pendingBytes = 0;
    };
    try {
      for await (const chunk of content) {
        size += chunk.length;
        if (size > maxBytes) throw new EvidenceTooLargeError(maxBytes);
        hash.update(chunk);
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes >= CHUNK_BYTES) await flush();
      }
      await flush();
    } catch (error) {
      await this.discard(key);
      throw error;
    }
    return { key, sizeBytes: size, sha256: hash.digest('hex') };
  }

  /** Moves the staged chunks into the immutable blob tables, inside the caller's transaction. */
  async commit(manager: EntityManager, staged: StoredContent): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(EvidenceBlob)
      .values({ id: staged.key, sizeBytes: staged.sizeBytes, sha256: staged.sha256 })
      .updateEntity(false)
      .execute();
    await copyStagedChunksToBlob(manager, staged.key);
    await manager.getRepository(EvidenceUploadChunk).delete({ uploadId: staged.key });
  }

  async discard(key: string): Promise<void> {
    await this.staged.delete({ uploadId: key }).catch(() => undefined);
  }

  async sweep(olderThanMs: number): Promise<number> {
    // Every chunk of an upload that has one chunk past the age: an upload is swept whole, never in part.
    const result = await this.staged
      .createQueryBuilder()
      .delete()
      .where('upload_id IN (SELECT old.upload_id FROM evidence_upload_chunks old WHERE old.created_at < now() - make_interval(secs => :seconds))', {
        seconds: olderThanMs / 1000,
      })
      .execute();
    return result.affected ?? 0;
  }

  async storedBytes(key: string): Promise<number> {
    const row: { bytes: string | null } | undefined = await this.chunks
      .createQueryBuilder('c')
      .select('sum(octet_length(c.data))', 'bytes')
      .where('c.blob_id = :key', { key })
      .getRawOne();
    return Number(row?.bytes ?? 0);
  }

  read(key: string): Readable {
    const chunks = this.chunks;
    async function* pieces() {
      // One chunk per query, in order: memory stays flat whatever the file's size.
      for (let seq = 0; ; seq++) {
        const row: { data: Buffer } | undefined = await chunks
          .createQueryBuilder('c')
          .select('c.data', 'data')
          .where('c.blob_id = :key AND c.seq = :seq', { key, seq })
          .getRawOne();
        if (!row) return;
        yield row.data;
      }
    }
    return Readable.from(pieces(), { objectMode: false });
  }
}
