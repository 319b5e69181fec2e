import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '@app/errors';

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
}

export const EVIDENCE_STORE = Symbol('EVIDENCE_STORE');

export class EvidenceTooLargeError extends DomainError {
  readonly code = 'payload-too-large';
  readonly status = 413;
  readonly title = 'Payload too large';

  constructor(maxBytes: number) {
    super(`An evidence file may not exceed ${maxBytes} bytes (GATEHOUSE_EVIDENCE_MAX_BYTES).`);
  }
}

/** 256 KiB: few round trips, and short-lived enough for the garbage collector to keep memory flat. */
const CHUNK_BYTES = 256 * 1024;

/** Bytes in PostgreSQL, as numbered bytea chunks, hashed while they stream in. */
@Injectable()
export class PostgresEvidenceStore implements EvidenceStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

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
        await tx.query('SET LOCAL synchronous_commit = off');
        await tx.query('INSERT INTO evidence_upload_chunks (upload_id, seq, data) VALUES ($1, $2, $3)', [key, chunkSeq, data]);
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
    await manager.query('INSERT INTO evidence_blobs (id, size_bytes, sha256) VALUES ($1, $2, $3)', [staged.key, staged.sizeBytes, staged.sha256]);
    await manager.query('INSERT INTO evidence_blob_chunks (blob_id, seq, data) SELECT upload_id, seq, data FROM evidence_upload_chunks WHERE upload_id = $1', [staged.key]);
    await manager.query('DELETE FROM evidence_upload_chunks WHERE upload_id = $1', [staged.key]);
  }

  async discard(key: string): Promise<void> {
    await this.dataSource.query('DELETE FROM evidence_upload_chunks WHERE upload_id = $1', [key]).catch(() => undefined);
  }

  async sweep(olderThanMs: number): Promise<number> {
    const result = await this.dataSource.query(
      `DELETE FROM evidence_upload_chunks WHERE upload_id IN (SELECT upload_id FROM evidence_upload_chunks WHERE created_at < now() - make_interval(secs => $1))`,
      [olderThanMs / 1000],
    );
    return Number((result as [unknown, number])[1] ?? 0);
  }

  read(key: string): Readable {
    const dataSource = this.dataSource;
    async function* chunks() {
      for (let seq = 0; ; seq++) {
        const [row]: { data: Buffer }[] = await dataSource.query('SELECT data FROM evidence_blob_chunks WHERE blob_id = $1 AND seq = $2', [key, seq]);
        if (!row) return;
        yield row.data;
      }
    }
    return Readable.from(chunks(), { objectMode: false });
  }
}
