import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { rowsToEntities } from '@app/database';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookEndpoint } from './webhook-endpoint.entity';

/** What the worker knows of an endpoint it leased: enough to guard every write it makes under the lease. */
export interface LeaseGuard {
  endpointId: string;
  instance: string;
  /** The cursor as the worker last left it; a write finding another (a redelivery moved it) changes nothing. */
  cursorSeq: number;
}

export type AttemptRecord = Pick<WebhookDelivery, 'endpointId' | 'seq' | 'eventId' | 'durationMs' | 'statusCode' | 'error' | 'succeeded' | 'instance'>;

/** Guards a write under a lease: still held by this instance, not expired, the cursor where the worker left it, the endpoint still delivering. */
const HELD = `id = $1 AND leased_by = $2 AND lease_until > now() AND cursor_seq = $3 AND disabled_at IS NULL AND parked_at IS NULL`;

/** Every query of webhook_endpoints and webhook_deliveries. */
@Injectable()
export class WebhooksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insertEndpoint(manager: EntityManager, values: Pick<WebhookEndpoint, 'url' | 'eventTypes' | 'description' | 'secret' | 'createdBy' | 'cursorSeq'>): Promise<WebhookEndpoint> {
    const result = await manager.createQueryBuilder().insert().into(WebhookEndpoint).values(values).returning('*').execute();
    return rowsToEntities(manager, WebhookEndpoint, result.raw)[0];
  }

  list(): Promise<WebhookEndpoint[]> {
    return this.dataSource.getRepository(WebhookEndpoint).find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  find(id: string, manager: EntityManager = this.dataSource.manager): Promise<WebhookEndpoint | null> {
    return manager.getRepository(WebhookEndpoint).findOneBy({ id });
  }

  /** The endpoint, locked until the transaction ends: administrators' changes to one endpoint take turns. */
  lock(manager: EntityManager, id: string): Promise<WebhookEndpoint | null> {
    return manager.getRepository(WebhookEndpoint).createQueryBuilder('w').where('w.id = :id', { id }).setLock('pessimistic_write').getOne();
  }

  async update(manager: EntityManager, id: string, changes: Partial<Record<keyof WebhookEndpoint, unknown>>): Promise<WebhookEndpoint> {
    const result = await manager.createQueryBuilder().update(WebhookEndpoint).set(changes as never).where('id = :id', { id }).returning('*').execute();
    return rowsToEntities(manager, WebhookEndpoint, result.raw)[0];
  }

  /** Newest first, `limit + 1` so the caller can tell whether there is more; `beforeId` continues a page. */
  deliveries(endpointId: string, limit: number, beforeId?: number): Promise<WebhookDelivery[]> {
    const query = this.dataSource.getRepository(WebhookDelivery).createQueryBuilder('d').where('d.endpointId = :endpointId', { endpointId });
    if (beforeId !== undefined) query.andWhere('d.id < :beforeId', { beforeId });
    return query.orderBy('d.id', 'DESC').limit(limit + 1).getMany();
  }

  /** Whether any endpoint is neither disabled nor parked: one that may take a delivery. */
  async anyDeliverable(): Promise<boolean> {
    const [row] = await this.dataSource.query('SELECT EXISTS (SELECT 1 FROM webhook_endpoints WHERE disabled_at IS NULL AND parked_at IS NULL) AS any');
    return row.any;
  }

  /**
   * Leases up to `limit` endpoints that are due and have sealed events past
   * their cursor, for `leaseSeconds`, in one statement (its own short
   * transaction). SKIP LOCKED: instances claiming at once take different
   * endpoints instead of queueing on each other's rows; a lease still running
   * (another instance is delivering) keeps the endpoint out.
   */
  async claim(instance: string, leaseSeconds: number, limit: number): Promise<WebhookEndpoint[]> {
    const rows = (await this.dataSource.query(
      `WITH due AS (
         SELECT w.id FROM webhook_endpoints w
         WHERE w.disabled_at IS NULL AND w.parked_at IS NULL AND w.next_attempt_at <= now()
           AND (w.lease_until IS NULL OR w.lease_until <= now())
           AND w.cursor_seq < (SELECT h.seq FROM audit_chain_heads h WHERE h.chain = 'main')
         ORDER BY w.next_attempt_at LIMIT $3
         FOR UPDATE OF w SKIP LOCKED
       ), leased AS (
         UPDATE webhook_endpoints w SET lease_until = now() + make_interval(secs => $2), leased_by = $1
         FROM due WHERE w.id = due.id RETURNING w.*
       )
       SELECT * FROM leased`,
      [instance, leaseSeconds, limit],
    )) as Record<string, unknown>[];
    return rowsToEntities(this.dataSource.manager, WebhookEndpoint, rows);
  }

  /**
   * A delivery succeeded: the attempt is logged and the cursor moves to
   * `toSeq`. With `leaseSeconds` the lease is renewed for the next event,
   * otherwise released. False when the lease no longer guards the endpoint:
   * the worker stops (the attempt is logged all the same).
   */
  async recordSuccess(guard: LeaseGuard, attempt: AttemptRecord | undefined, toSeq: number, leaseSeconds: number | null): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      if (attempt) await this.logAttempt(manager, attempt);
      const moved = (await manager.query(
        `WITH moved AS (
           UPDATE webhook_endpoints SET cursor_seq = $4, consecutive_failures = 0, next_attempt_at = now(),
             lease_until = CASE WHEN $5::float8 IS NULL THEN NULL ELSE now() + make_interval(secs => $5::float8) END,
             leased_by = CASE WHEN $5::float8 IS NULL THEN NULL ELSE leased_by END
           WHERE ${HELD} RETURNING id
         ) SELECT id FROM moved`,
        [guard.endpointId, guard.instance, guard.cursorSeq, toSeq, leaseSeconds],
      )) as unknown[];
      if (!moved.length) await this.release(manager, guard);
      return moved.length > 0;
    });
  }

  /**
   * A delivery failed: the attempt is logged, the failure counted, the next
   * attempt put off by `delaySeconds`, and the endpoint parked when
   * `park` says so (in which case `onParked` records it in the same
   * transaction). The lease is released either way. Null when the lease no
   * longer guarded the endpoint.
   */
  async recordFailure(
    guard: LeaseGuard,
    attempt: AttemptRecord,
    delaySeconds: number,
    park: (failures: number) => boolean,
    onParked: (manager: EntityManager, failures: number) => Promise<void>,
  ): Promise<{ failures: number; parked: boolean } | null> {
    return this.dataSource.transaction(async (manager) => {
      await this.logAttempt(manager, attempt);
      const [counted] = (await manager.query(
        `WITH counted AS (
           UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1,
             next_attempt_at = now() + make_interval(secs => $4), lease_until = NULL, leased_by = NULL
           WHERE ${HELD} RETURNING consecutive_failures
         ) SELECT consecutive_failures FROM counted`,
        [guard.endpointId, guard.instance, guard.cursorSeq, delaySeconds],
      )) as { consecutive_failures: number }[];
      if (!counted) {
        await this.release(manager, guard);
        return null;
      }
      const failures = counted.consecutive_failures;
      if (!park(failures)) return { failures, parked: false };
      await manager.query('UPDATE webhook_endpoints SET parked_at = now() WHERE id = $1', [guard.endpointId]);
      await onParked(manager, failures);
      return { failures, parked: true };
    });
  }

  /** Gives the endpoint back without a verdict; only this instance's own lease. */
  private async release(manager: EntityManager, guard: Pick<LeaseGuard, 'endpointId' | 'instance'>): Promise<void> {
    await manager.query('UPDATE webhook_endpoints SET lease_until = NULL, leased_by = NULL WHERE id = $1 AND leased_by = $2', [guard.endpointId, guard.instance]);
  }

  private async logAttempt(manager: EntityManager, attempt: AttemptRecord): Promise<void> {
    await manager.createQueryBuilder().insert().into(WebhookDelivery).values(attempt).execute();
  }
}
