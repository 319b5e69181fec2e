import { Mutex, MutexInterface, withTimeout } from 'async-mutex';
import { ServiceUnavailableError } from '@app/errors';

/**
 * Runs work for one key at a time in this process, the others waiting their
 * turn in memory. Decisions on one review are serialised by row locks anyway;
 * without this, a burst of them would each hold a pooled connection while
 * waiting for the lock, and a hundred signers at once would exhaust the pool
 * and time out everyone else. Across instances the row lock still decides.
 */
export class OneAtATime {
  private readonly queues = new Map<string, { mutex: MutexInterface; waiting: number }>();
  /**
   * One error for every wait that runs out, made once: it is immutable, and
   * making one for each key (capturing a stack) cost more than the rest of
   * the queueing on every decision.
   */
  private readonly waitedTooLong = new ServiceUnavailableError('Too many decisions are waiting on this review right now. Retry in a few seconds.');

  constructor(private readonly maxWaitMs: number) {}

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { mutex: withTimeout(new Mutex(), this.maxWaitMs, this.waitedTooLong), waiting: 0 };
      this.queues.set(key, queue);
    }
    queue.waiting += 1;
    try {
      return await queue.mutex.runExclusive(work);
    } finally {
      queue.waiting -= 1;
      if (queue.waiting === 0) this.queues.delete(key);
    }
  }
}
