import { certainlyNotApplied, isUnavailable, NeverSent, serviceError } from './database-errors.js';

/**
 * How safe a statement is to send again after a failure:
 * - `idempotent`: reads, and keyed writes (the idempotency record makes a second run answer
 *   what the first one did): retried after any "primary unavailable or changing" failure;
 * - `once`: writes without a key (a plain create, an update, a delete): retried only when the
 *   failure proves the statement changed nothing (never sent, refused as read-only, refused at
 *   connection); a connection lost mid-statement may have committed it, so it is not repeated.
 */
export type RetrySafety = 'idempotent' | 'once';

export interface FailoverHoldOptions {
  /** Longest a request is held, from its first failure, while no writable primary answers; 0 = never. */
  readonly holdMs: number;
  /** Most requests held at once; past it a failing request answers 503 at once. */
  readonly maxHeld: number;
  /** First pause between attempts; doubles up to `maxBackoffMs`, each with jitter. */
  readonly firstBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

// Statements that timed out are not repeated: a statement timeout means a slow query, and a
// query read timeout leaves the outcome unknown after its own bound (DB_QUERY_TIMEOUT_MS). A
// connection that could not be had in time (DB_CONNECT_TIMEOUT_MS: during a switchover the old
// primary stops accepting while the new one is promoted) sent nothing and is tried again.
const TIMEOUTS = [/Query read timeout/i, /statement timeout/i];

function isTimeout(error: unknown): boolean {
  if (error instanceof NeverSent) return false;
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const { message } = current;
    if (TIMEOUTS.some((pattern) => pattern.test(message))) return true;
    if ((current as { code?: unknown }).code === '57014') return true;
    current = current.cause;
  }
  return false;
}

/**
 * Holds database work through the seconds a failover or a planned switchover leaves without a
 * writable primary: the work is tried again with exponential backoff and jitter until it
 * succeeds or the hold ends, then the last failure becomes a 503 with Retry-After. Bounded in
 * time (holdMs from the first failure, plus the attempt in progress) and in memory (maxHeld
 * requests waiting at once, each waiting on a timer, not on a pooled connection).
 */
export class FailoverHold {
  private held = 0;

  constructor(
    private readonly options: FailoverHoldOptions,
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
  ) {}

  /** Requests held right now (for tests and metrics). */
  get holding(): number {
    return this.held;
  }

  /** Runs `work`, telling it which attempt this is (0 first), repeating it as the rules allow. */
  async run<T>(safety: RetrySafety, work: (attempt: number) => Promise<T>): Promise<T> {
    let deadline = 0;
    let attempt = 0;
    let holding = false;
    try {
      for (;;) {
        try {
          return await work(attempt);
        } catch (error) {
          if (!this.retryable(error, safety)) throw serviceError(error);
          if (!holding) {
            if (this.held >= this.options.maxHeld) throw serviceError(error);
            this.held += 1;
            holding = true;
            deadline = this.now() + this.options.holdMs;
          }
          const pause = this.backoff(attempt);
          attempt += 1;
          if (this.now() + pause >= deadline) throw serviceError(error);
          await new Promise((resolve) => setTimeout(resolve, pause));
        }
      }
    } finally {
      if (holding) this.held -= 1;
    }
  }

  private retryable(error: unknown, safety: RetrySafety): boolean {
    if (this.options.holdMs <= 0 || !isUnavailable(error) || isTimeout(error)) return false;
    return safety === 'idempotent' || certainlyNotApplied(error);
  }

  /** Full jitter over an exponential step, so held requests do not all come back at once. */
  private backoff(attempt: number): number {
    const first = this.options.firstBackoffMs ?? 50;
    const cap = this.options.maxBackoffMs ?? 500;
    const step = Math.min(cap, first * 2 ** attempt);
    return Math.round(step / 2 + (this.random() * step) / 2);
  }
}

/** No holding: every failure answers at once (tests, tools). */
export const NO_HOLD = new FailoverHold({ holdMs: 0, maxHeld: 0 });
