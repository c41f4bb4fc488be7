import type { Clock } from '../ports/clock.port.js';
import type { IdempotencyStore } from './idempotency-store.port.js';

export const DEFAULT_PURGE_BATCH_SIZE = 1000;

/**
 * Deletes expired idempotency records in small batches, each its own short transaction, so the
 * purge never holds locks on many rows or for long while requests keep using the table.
 */
export class PurgeExpiredIdempotencyKeys {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly clock: Clock,
    private readonly batchSize = DEFAULT_PURGE_BATCH_SIZE,
  ) {}

  /** Returns how many records were deleted. Stops after `maxBatches` so one run stays bounded. */
  async execute(maxBatches = 1000): Promise<number> {
    const now = this.clock.now();
    let total = 0;
    for (let batch = 0; batch < maxBatches; batch += 1) {
      const deleted = await this.store.purgeExpired(now, this.batchSize);
      total += deleted;
      if (deleted < this.batchSize) break;
    }
    return total;
  }
}
