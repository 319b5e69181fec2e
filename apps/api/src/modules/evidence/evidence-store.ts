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
 * Where evidence bytes live. The PostgreSQL store below is the default; an
 * object store can implement the same two methods. Writes join the caller's
 * transaction, so a failed or refused upload leaves nothing behind.
 */
export interface EvidenceStore {
  write(manager: EntityManager, content: AsyncIterable<Buffer>, maxBytes: number): Promise<StoredContent>;
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

  async write(manager: EntityManager, content: AsyncIterable<Buffer>, maxBytes: number): Promise<StoredContent> {
    const key = randomUUID();
    const hash = createHash('sha256');
    let size = 0;
    let seq = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (!pendingBytes) return;
      await manager.query('INSERT INTO evidence_blob_chunks (blob_id, seq, data) VALUES ($1, $2, $3)', [key, seq++, Buffer.concat(pending, pendingBytes)]);
      pending = [];
      pendingBytes = 0;
    };
    for await (const chunk of content) {
      size += chunk.length;
      if (size > maxBytes) throw new EvidenceTooLargeError(maxBytes);
      hash.update(chunk);
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= CHUNK_BYTES) await flush();
    }
    await flush();
    const sha256 = hash.digest('hex');
    await manager.query('INSERT INTO evidence_blobs (id, size_bytes, sha256) VALUES ($1, $2, $3)', [key, size, sha256]);
    return { key, sizeBytes: size, sha256 };
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
