import { Repository } from 'typeorm';
import { IdempotencyKey } from './idempotency-key.entity';

/** What a retry is answered from. */
export type StoredKey = Pick<IdempotencyKey, 'requestHash' | 'statusCode' | 'response'>;

/**
 * Every statement on idempotency_keys. The claim is hand-written SQL: one
 * INSERT … ON CONFLICT DO UPDATE … WHERE, so that taking a free key (never
 * used, expired, or abandoned past its lease) is a single atomic statement.
 */
export class IdempotencyKeysRepository {
  constructor(private readonly keys: Repository<IdempotencyKey>) {}

  /** Claims the key for `claimId` when it is free; false when another request holds it or its response is kept. */
  async claimIfFree(owner: string, key: string, requestHash: string, claimId: string, leaseSeconds: number, retentionHours: number): Promise<boolean> {
    const claimed: unknown[] = await this.keys.query(
      `INSERT INTO idempotency_keys AS k (principal_id, key, request_hash, claim_id, lease_until)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
       ON CONFLICT (principal_id, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, claim_id = EXCLUDED.claim_id, lease_until = EXCLUDED.lease_until,
             created_at = now(), status_code = NULL, response = NULL
         WHERE k.created_at < now() - make_interval(hours => $6)
            OR (k.status_code IS NULL AND coalesce(k.lease_until, k.created_at + make_interval(secs => $5)) < now())
       RETURNING claim_id`,
      [owner, key, requestHash, claimId, leaseSeconds, retentionHours],
    );
    return claimed.length > 0;
  }

  find(owner: string, key: string): Promise<StoredKey | null> {
    return this.keys.findOne({ select: { requestHash: true, statusCode: true, response: true }, where: { principalId: owner, key } });
  }

  async renew(owner: string, key: string, claimId: string, leaseSeconds: number): Promise<void> {
    await this.keys
      .createQueryBuilder()
      .update()
      .set({ leaseUntil: () => 'now() + make_interval(secs => :leaseSeconds)' })
      .where('principal_id = :owner AND key = :key AND claim_id = :claimId AND status_code IS NULL', { owner, key, claimId, leaseSeconds })
      .execute();
  }

  async complete(owner: string, key: string, claimId: string, statusCode: number, response: unknown): Promise<void> {
    await this.keys
      .createQueryBuilder()
      .update()
      // The response as JSON text, so an empty body is stored as JSON null, as before.
      .set({ statusCode, response: () => 'CAST(:response AS jsonb)', leaseUntil: null })
      .where('principal_id = :owner AND key = :key AND claim_id = :claimId', { owner, key, claimId, response: JSON.stringify(response ?? null) })
      .execute();
  }

  async release(owner: string, key: string, claimId: string): Promise<void> {
    await this.keys
      .createQueryBuilder()
      .delete()
      .where('principal_id = :owner AND key = :key AND claim_id = :claimId AND status_code IS NULL', { owner, key, claimId })
      .execute();
  }

  async deleteCreatedBefore(retentionHours: number): Promise<void> {
    await this.keys.createQueryBuilder().delete().where('created_at < now() - make_interval(hours => :retentionHours)', { retentionHours }).execute();
  }
}
