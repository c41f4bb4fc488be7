import { InMemoryIdempotencyStore } from '../../../src/adapters/in-memory/in-memory-idempotency-store.js';
import { InMemoryOpportunityRepository } from '../../../src/adapters/in-memory/in-memory-opportunity-repository.js';
import { idempotencyStoreContract } from '../idempotency-store.contract.js';

let store: InMemoryIdempotencyStore;

idempotencyStoreContract('in memory', () => ({
  fresh: async () => {
    const opportunities = new InMemoryOpportunityRepository();
    store = new InMemoryIdempotencyStore(opportunities);
    return { store, opportunities };
  },
  holdInFlight: async (key) => {
    const release = store.holdInFlight(key);
    return async () => {
      release();
    };
  },
}));
