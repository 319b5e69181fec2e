import { Repository } from 'typeorm';
import { IdempotencyKey } from './idempotency-key.entity';
import { IdempotencyKeysStore } from './idempotency-keys.store';
import { IdempotencyKeyContended } from './idempotency.errors';

/** A table where every claim loses and the key is gone again before it is read: released by others each time. */
function churningKeys() {
  const calls = { claims: 0, reads: 0 };
  const repository = {
    query: async () => {
      calls.claims++;
      return [];
    },
    findOne: async () => {
      calls.reads++;
      return null;
    },
  } as unknown as Repository<IdempotencyKey>;
  return { calls, store: new IdempotencyKeysStore(repository) };
}

describe('IdempotencyKeysStore.claim', () => {
  it('gives up after five tries on a key other requests keep claiming and releasing, with idempotency-key-contended (409)', async () => {
    const { calls, store } = churningKeys();
    const refusal = await store.claim('owner', 'key', 'hash').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(IdempotencyKeyContended);
    expect(refusal).toMatchObject({ code: 'idempotency-key-contended', status: 409 });
    expect(calls).toEqual({ claims: 5, reads: 5 });
  });
});
