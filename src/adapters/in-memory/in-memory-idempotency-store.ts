import type {
  CommitOutcome,
  IdempotencyRecord,
  IdempotencyStore,
  IdempotentChange,
  IdempotentCommit,
  ScopedKey,
} from '../../application/idempotency/idempotency-store.port.js';
import { ConflictError } from '../../domain/domain-errors.js';
import type { OpportunityRepository } from '../../domain/opportunity/opportunity-repository.port.js';

/**
 * Records in a Map, applying changes to an in-memory repository: for application tests and as
 * the reference the PostgreSQL store is held to. Keys being committed are marked in flight, so
 * interleaved commits behave like concurrent transactions on one database.
 */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly records = new Map<string, IdempotencyRecord>();
  private readonly inFlight = new Set<string>();

  constructor(private readonly opportunities: OpportunityRepository) {}

  async find(key: ScopedKey, now: Date): Promise<IdempotencyRecord | null> {
    const record = this.records.get(mapKey(key));
    return record && record.expiresAt > now ? record : null;
  }

  async commit(commit: IdempotentCommit): Promise<CommitOutcome> {
    const id = mapKey(commit.key);
    if (this.inFlight.has(id)) return { kind: 'in_flight' };
    const existing = await this.find(commit.key, commit.now);
    if (existing) return { kind: 'recorded', record: existing };
    this.inFlight.add(id);
    try {
      if (!(await this.apply(commit.change))) return { kind: 'stale' };
      const { fingerprint, response, expiresAt } = commit;
      this.records.set(id, { fingerprint, response, expiresAt });
      return { kind: 'committed' };
    } finally {
      this.inFlight.delete(id);
    }
  }

  async purgeExpired(now: Date, limit: number): Promise<number> {
    let deleted = 0;
    for (const [id, record] of this.records) {
      if (deleted >= limit) break;
      if (record.expiresAt <= now) {
        this.records.delete(id);
        deleted += 1;
      }
    }
    return deleted;
  }

  /** Marks a key as being worked on elsewhere, as another instance's open transaction would. */
  holdInFlight(key: ScopedKey): () => void {
    const id = mapKey(key);
    this.inFlight.add(id);
    return () => this.inFlight.delete(id);
  }

  private async apply(change: IdempotentChange): Promise<boolean> {
    if (change.kind === 'insert') {
      await this.opportunities.add(change.opportunity);
      return true;
    }
    if (change.kind === 'delete') {
      if (await this.opportunities.remove(change.id, change.expectedVersion)) return true;
      // Nothing deleted: stale only if the row is there at another version; a row gone is no obstacle.
      return change.expectedVersion === undefined || (await this.opportunities.findById(change.id)) === null;
    }
    try {
      await this.opportunities.update(change.opportunity, change.expectedVersion);
      return true;
    } catch (error) {
      if (error instanceof ConflictError) return false;
      throw error;
    }
  }
}

// JSON keeps the two parts apart whatever characters they contain.
const mapKey = (key: ScopedKey): string => JSON.stringify([key.userId, key.key]);
