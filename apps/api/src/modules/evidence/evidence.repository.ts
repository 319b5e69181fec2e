import { EntityManager } from 'typeorm';

/**
 * The hand-written statements on the evidence tables, where SQL is the better
 * tool than the entity API: settings for one transaction and the set-based
 * move of an upload's chunks from staging into its blob.
 */

/**
 * Staged bytes are disposable until the link commits (durably, which flushes
 * them too), so a staged chunk's commit need not wait for its own WAL flush:
 * a hundred chunks, not a hundred fsyncs.
 */
export async function commitWithoutWaitingForFlush(tx: EntityManager): Promise<void> {
  await tx.query('SET LOCAL synchronous_commit = off');
}

/** Copies every staged chunk of an upload into its blob, in the server, without the bytes passing through the service. */
export async function copyStagedChunksToBlob(manager: EntityManager, uploadId: string): Promise<void> {
  await manager.query('INSERT INTO evidence_blob_chunks (blob_id, seq, data) SELECT upload_id, seq, data FROM evidence_upload_chunks WHERE upload_id = $1', [uploadId]);
}
