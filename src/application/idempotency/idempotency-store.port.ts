import type { Opportunity } from '../../domain/opportunity/opportunity.js';

/** A client-chosen key, scoped to the user who sent it: one user's key never touches another's. */
export interface ScopedKey {
  readonly userId: string;
  readonly key: string;
}

/**
 * The answer given to the first request with a key, exactly as it was sent, so a retry gets the
 * same bytes even if presentation changes between deployments.
 */
export interface RecordedResponse {
  readonly status: number;
  /** Only the headers that describe the result (e.g. Location, ETag), never per-request ones. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body text; empty for bodiless answers such as 204. */
  readonly body: string;
}

export interface IdempotencyRecord {
  readonly fingerprint: string;
  readonly response: RecordedResponse;
  readonly expiresAt: Date;
}

/** What the first request with a key wants to change; applied only if the key is free. */
export type IdempotentChange =
  | { readonly kind: 'insert'; readonly opportunity: Opportunity }
  | { readonly kind: 'update'; readonly opportunity: Opportunity; readonly expectedVersion: number }
  | {
      readonly kind: 'delete';
      readonly id: string;
      /** When set, only this version may be deleted; a row found at another version is `stale`. */
      readonly expectedVersion?: number;
    };

export interface IdempotentCommit {
  readonly key: ScopedKey;
  readonly fingerprint: string;
  readonly response: RecordedResponse;
  readonly now: Date;
  readonly expiresAt: Date;
  readonly change: IdempotentChange;
}

export type CommitOutcome =
  /** The change and the record were committed together. */
  | { readonly kind: 'committed' }
  /** A live record already holds the key: nothing was changed. */
  | { readonly kind: 'recorded'; readonly record: IdempotencyRecord }
  /** Another request holding the key has not finished (on any instance): nothing was changed. */
  | { readonly kind: 'in_flight' }
  /**
   * An update found the row changed or gone, or a conditional delete found it at another version
   * (a row already gone is no obstacle to a delete): nothing was changed.
   */
  | { readonly kind: 'stale' };

/**
 * Idempotency records, kept atomic with the writes they describe. The contract: `commit` applies
 * the change and records the response in ONE transaction — there is never a moment where the row
 * exists and the record does not, or the reverse — and only if no live record holds the key and
 * no other request is working under it. A record is live until `expiresAt`; an expired record is
 * treated as absent and replaced.
 */
export interface IdempotencyStore {
  /** The live record for a key, or null. */
  find(key: ScopedKey, now: Date): Promise<IdempotencyRecord | null>;
  commit(commit: IdempotentCommit): Promise<CommitOutcome>;
  /** Deletes at most `limit` records expired at `now`; returns how many it deleted. */
  purgeExpired(now: Date, limit: number): Promise<number>;
}
