import type { Clock } from '../ports/clock.port.js';
import type { Hasher } from '../ports/hasher.port.js';
import { IdempotencyKeyInFlightError, IdempotencyKeyReusedError } from './idempotency-errors.js';
import type {
  CommitOutcome,
  IdempotencyRecord,
  IdempotencyStore,
  IdempotentChange,
  RecordedResponse,
  ScopedKey,
} from './idempotency-store.port.js';

export interface IdempotencyPolicy {
  /** How long a key's record is kept and replayed (default 24 h). */
  readonly retentionMs: number;
  /** The Retry-After a client gets while another request with its key is in flight. */
  readonly inFlightRetryAfterSeconds: number;
}

export const DEFAULT_IDEMPOTENCY_POLICY: IdempotencyPolicy = {
  retentionMs: 24 * 60 * 60 * 1000,
  inFlightRetryAfterSeconds: 1,
};

/** What an idempotent write answers: the response to send and whether it is a replay. */
export interface IdempotentResult {
  readonly response: RecordedResponse;
  readonly replayed: boolean;
}

/** Renders the result of a write as the response that is both sent and recorded. */
export type Presenter<T> = (result: T) => RecordedResponse;

/**
 * Keys sort object properties, so the same decoded request always gives the same text whatever
 * order the client wrote its JSON in. `undefined` members are left out, like JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, member]) => `${JSON.stringify(name)}:${canonicalJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The steps every idempotent write shares: fingerprint the request, replay a live record, commit
 * the change together with its record, and turn the store's outcome into an answer or an error.
 */
export class IdempotentRequests {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly hasher: Hasher,
    private readonly clock: Clock,
    private readonly policy: IdempotencyPolicy,
  ) {}

  /** The fingerprint of a request: which operation, on what, with which decoded input. */
  fingerprint(request: unknown): string {
    return this.hasher.sha256Hex(canonicalJson(request));
  }

  /** The live record's answer when the key was already used for this request; null when it is free. */
  async replay(key: ScopedKey, fingerprint: string): Promise<IdempotentResult | null> {
    const record = await this.store.find(key, this.clock.now());
    return record ? replayOf(record, fingerprint) : null;
  }

  /** Commits the change and its record atomically; `stale` is the caller's to explain. */
  async commit(
    key: ScopedKey,
    fingerprint: string,
    change: IdempotentChange,
    response: RecordedResponse,
  ): Promise<IdempotentResult | { readonly stale: true }> {
    const now = this.clock.now();
    const outcome: CommitOutcome = await this.store.commit({
      key,
      fingerprint,
      response,
      now,
      expiresAt: new Date(now.getTime() + this.policy.retentionMs),
      change,
    });
    switch (outcome.kind) {
      case 'committed':
        return { response, replayed: false };
      case 'recorded':
        return replayOf(outcome.record, fingerprint);
      case 'in_flight':
        throw new IdempotencyKeyInFlightError(this.policy.inFlightRetryAfterSeconds);
      case 'stale':
        return { stale: true };
    }
  }
}

function replayOf(record: IdempotencyRecord, fingerprint: string): IdempotentResult {
  if (record.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
  return { response: record.response, replayed: true };
}
