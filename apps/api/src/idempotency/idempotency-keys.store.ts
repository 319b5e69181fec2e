import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { IdempotencyKey } from './idempotency-key.entity';
import { IdempotencyKeyContended } from './idempotency.errors';
import { IdempotencyKeysRepository, StoredKey } from './idempotency-keys.repository';

export type { StoredKey } from './idempotency-keys.repository';

/** How long a claimed key waits for its request. A request that died (kill -9) frees its key once this has passed. */
export const LEASE_SECONDS = 60;
/** How long a completed response is replayed; after that the key is free again. */
export const RETENTION_HOURS = 24;

export type Claim = { claimed: true; claimId: string } | { claimed: false; existing: StoredKey };

/**
 * The lifecycle of a key. A request holds its key through a claim id and a
 * lease; it renews the lease while it runs, and completes or releases the key
 * only while the claim is still its own, so a request taken over after its
 * lease ran out cannot overwrite the request that took over.
 */
export class IdempotencyKeysStore {
  private readonly keys: IdempotencyKeysRepository;

  constructor(repository: Repository<IdempotencyKey>) {
    this.keys = new IdempotencyKeysRepository(repository);
  }

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
      if (await this.keys.claimIfFree(owner, key, requestHash, claimId, LEASE_SECONDS, RETENTION_HOURS)) return { claimed: true, claimId };
      const existing = await this.keys.find(owner, key);
      if (existing) return { claimed: false, existing };
    }
    throw new IdempotencyKeyContended();
  }

  renew(owner: string, key: string, claimId: string): Promise<void> {
    return this.keys.renew(owner, key, claimId, LEASE_SECONDS);
  }

  complete(owner: string, key: string, claimId: string, statusCode: number, response: unknown): Promise<void> {
    return this.keys.complete(owner, key, claimId, statusCode, response);
  }

  /** A failed request leaves its key free, so a corrected retry can use it. */
  release(owner: string, key: string, claimId: string): Promise<void> {
    return this.keys.release(owner, key, claimId);
  }

  /** Keys past their retention are free already (see claim); this only keeps the table from growing. */
  deleteExpired(): Promise<void> {
    return this.keys.deleteCreatedBefore(RETENTION_HOURS);
  }
}
