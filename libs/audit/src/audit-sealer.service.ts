import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PreparedStatement } from '@app/database';
import { DEFAULT_CHAIN } from './audit-chain';
import { AuditChainDamagedError, EVENT_BEYOND_HEAD_SQL } from './audit-chain-damage';

/** A round's one statement, prepared: every request that changed something waits for one. */
const SEAL = new PreparedStatement('seal_audit_events', 'SELECT sealed, horizon, head_seq FROM seal_audit_events($1)');
/** Events sealed per call of seal_audit_events(): one commit for up to this many. */
const BATCH = 1_000;
/** How often the background round looks for events nobody waited for (command-line tools, work outside requests). */
const BACKGROUND_MS = 200;
/** While an older transaction is still open, how long to wait between rounds: short, then backing off. */
const RETRY_MS = [1, 2, 5, 10, 20, 50];

export interface SealRound {
  sealed: number;
  /** Every event of a transaction below this id is in the chain. */
  horizon: bigint;
  headSeq: number;
}

/**
 * Moves committed events from audit_pending into the chain
 * (docs/decisions/0011-seal-after-commit.md). Rounds are coalesced: whoever
 * asks while a round runs waits for the next one, since the running round may
 * have taken its horizon before the asker's transaction ended. One round at a
 * time per process; across processes the chain head's row lock takes them in
 * turn, and a round finds what another process sealed already gone.
 *
 * A round that fails because the chain holds an event beyond its recorded head
 * (written straight into the table) marks the chain damaged: AuditTrail then
 * refuses every write until a round succeeds again, which it can only do once
 * the chain has been examined and the stray event dealt with. The pending
 * event whose seal found the damage stays pending, not lost.
 */
@Injectable()
export class AuditSealer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AuditSealer');
  private running: Promise<SealRound> | undefined;
  private queued: Promise<SealRound> | undefined;
  private horizon = 0n;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly sealedListeners = new Set<() => void>();
  private damaged = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running || this.stopped) return;
      this.nextRound().catch((error: unknown) => {
        // A damaged chain was logged once, when found; every round fails until it is examined.
        if (!this.damaged) this.logger.error({ err: error }, 'could not seal pending audit events; retrying');
      });
    }, BACKGROUND_MS);
    this.timer.unref();
  }

  /** Stops the background round and seals what is committed, so a clean shutdown leaves nothing pending. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.stopped = true;
    await this.sealCommitted(2_000).catch((error: unknown) => this.logger.warn({ err: error }, 'pending audit events are sealed at the next start'));
  }

  /**
   * Returns once every event of transaction `xid` (which has ended) is in the
   * chain, or after `timeoutMs` — or a failed round — with the events still
   * pending (they are committed, and a later round seals them). True when
   * sealed; never throws.
   */
  async sealThrough(xid: bigint, timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let attempt = 0;
    while (this.horizon <= xid) {
      const before = this.horizon;
      try {
        await this.nextRound();
      } catch (error) {
        // The event is committed and stays pending; the answer to the change it records is not the place to fail.
        this.logger.error({ err: error }, 'could not seal pending audit events; they stay pending until a round succeeds');
        return false;
      }
      if (this.horizon > xid) break;
      if (Date.now() >= deadline) return false;
      // An older transaction is still open: nothing can be sealed past it until it ends.
      if (this.horizon === before) await sleep(RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)]);
    }
    return true;
  }

  /** Seals every event committed before this call. */
  async sealCommitted(timeoutMs = 10_000): Promise<boolean> {
    const [{ next }] = (await this.dataSource.query('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS next')) as { next: string }[];
    return this.sealThrough(BigInt(next) - 1n, timeoutMs);
  }

  /** The last round failed on an event beyond the chain's recorded head: no event may be recorded. */
  get chainDamaged(): boolean {
    return this.damaged;
  }

  /**
   * Calls `listener` after each round of this process that sealed events, so
   * that a consumer of the sealed trail (webhook delivery) can look at once
   * instead of at its next poll. Returns the way to stop listening.
   */
  onSealed(listener: () => void): () => void {
    this.sealedListeners.add(listener);
    return () => this.sealedListeners.delete(listener);
  }

  /** A listener's failure is its own: the round that sealed stands, and the other listeners are told. */
  private tellListeners(): void {
    for (const listener of this.sealedListeners) {
      try {
        listener();
      } catch (error) {
        this.logger.error({ err: error }, 'a listener to sealed audit events failed');
      }
    }
  }

  /** The next round that starts after this call. */
  private nextRound(): Promise<SealRound> {
    if (!this.running) {
      this.running = this.round().finally(() => (this.running = undefined));
      return this.running;
    }
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.nextRound();
      });
    return this.queued;
  }

  /** Seals in batches until a batch comes back short: everything below the horizon is then in the chain. */
  private async round(): Promise<SealRound> {
    let sealed = 0;
    for (;;) {
      let row: { sealed: number; horizon: string; head_seq: string };
      try {
        [row] = await SEAL.rows<typeof row>(this.dataSource.manager, [BATCH]);
      } catch (error) {
        await this.checkForDamage(error);
        throw error;
      }
      if (this.damaged) {
        this.damaged = false;
        this.logger.warn('the audit chain takes events again: a seal round succeeded after the chain was found damaged');
      }
      const result = { sealed: row.sealed, horizon: BigInt(row.horizon), headSeq: Number(row.head_seq) };
      sealed += result.sealed;
      if (result.sealed < BATCH) {
        if (result.horizon > this.horizon) this.horizon = result.horizon;
        if (sealed > 0) this.tellListeners();
        return result;
      }
    }
  }

  /** After a failed round: is an event beyond the head what stopped it? Unknown (the database is away) keeps the last answer. */
  private async checkForDamage(cause: unknown): Promise<void> {
    const damaged = await this.dataSource
      .query(EVENT_BEYOND_HEAD_SQL, [DEFAULT_CHAIN])
      .then(([row]: { damaged: boolean }[]) => row.damaged)
      .catch(() => this.damaged);
    if (damaged && !this.damaged) this.logger.error({ err: cause }, new AuditChainDamagedError(cause).detail);
    this.damaged = damaged;
  }
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
