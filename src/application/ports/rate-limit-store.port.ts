/** One fixed-window counter after a hit. */
export interface RateLimitCounter {
  /** Hits in the current window, this one included. */
  readonly count: number;
  /** When the window ends, in epoch milliseconds. */
  readonly resetAt: number;
}

/**
 * Counts hits per key in fixed windows. In memory for a single instance; shared (Redis) when
 * several instances must share one budget. May reject when the store is unreachable: callers
 * decide to fail open.
 */
export interface RateLimitStore {
  hit(key: string, windowMs: number): Promise<RateLimitCounter>;
  close?(): Promise<void>;
}
