import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ConflictError } from '@app/errors';

/** How long a claimed key waits for its request. A request that died (kill -9) frees its key once this has passed. */
export const LEASE_SECONDS = 60;
/** How long a completed response is replayed; after that the key is free again. */
export const RETENTION_HOURS = 24;

export interface StoredKey {
  request_hash: string;
  status_code: number | null;
  response: unknown;
}

export type Claim = { claimed: true; claimId: string } | { claimed: false; existing: StoredKey };

/**
 * Every query of idempotency_keys. A request holds its key through a claim id
 * and a lease; it renews the lease while it runs, and completes or releases
 * the key only while the claim is still its own, so a request taken over
 * after its lease ran out cannot overwrite the request that took over.
 */
export class IdempotencyKeysStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Claims `key` for a new request when it is free: never used, its stored
   * response expired, or left in progress by a request whose lease ran out.
   * Otherwise returns the key as it stands. One statement, so two requests
   * cannot both claim.
   */
  async claim(owner: string, key: string, requestHash: string): Promise<Claim> {
    // A key released between the two statements is free again: a few tries settle it.
    for (let attempt = 0; attempt < 5; attempt++) {
      const claimId = randomUUID();
      const claimed: unknown[] = await this.dataSource.query(
        `INSERT INTO idempotency_keys AS k (principal_id, key, request_hash, claim_id, lease_until)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
         ON CONFLICT (principal_id, key) DO UPDATE
           SET request_hash = EXCLUDED.request_hash, claim_id = EXCLUDED.claim_id, lease_until = EXCLUDED.lease_until,
               created_at = now(), status_code = NULL, response = NULL
           WHERE k.created_at < now() - make_interval(hours => $6)
              OR (k.status_code IS NULL AND coalesce(k.lease_until, k.created_at + make_interval(secs => $5)) < now())
         RETURNING claim_id`,
        [owner, key, requestHash, claimId, LEASE_SECONDS, RETENTION_HOURS],
      );
      if (claimed.length) return { claimed: true, claimId };
      const [existing]: StoredKey[] = await this.dataSource.query(
        'SELECT request_hash, status_code, response FROM idempotency_keys WHERE principal_id = $1 AND key = $2',
        [owner, key],
      );
      if (existing) return { claimed: false, existing };
    }
    throw new ConflictError('This Idempotency-Key is being claimed and released by other requests; retry shortly.');
  }

  async renew(owner: string, key: string, claimId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET lease_until = now() + make_interval(secs => $4)
       WHERE principal_id = $1 AND key = $2 AND claim_id = $3 AND status_code IS NULL`,
      [owner, key, claimId, LEASE_SECONDS],
    );
  }

  async complete(owner: string, key: string, claimId: string, statusCode: number, response: unknown): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET status_code = $4, response = $5, lease_until = NULL
       WHERE principal_id = $1 AND key = $2 AND claim_id = $3`,
      [owner, key, claimId, statusCode, JSON.stringify(response ?? null)],
    );
  }

  /** A failed request leaves its key free, so a corrected retry can use it. */
  async release(owner: string, key: string, claimId: string): Promise<void> {
    await this.dataSource.query('DELETE FROM idempotency_keys WHERE principal_id = $1 AND key = $2 AND claim_id = $3 AND status_code IS NULL', [
      owner,
      key,
      claimId,
    ]);
  }

  /** Keys past their retention are free already (see claim); this only keeps the table from growing. */
  async deleteExpired(): Promise<void> {
    await this.dataSource.query('DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)', [RETENTION_HOURS]);
  }
}
