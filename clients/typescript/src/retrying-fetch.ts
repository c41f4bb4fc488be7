/**
 * Retries through a failover: calls that are safe to send again are repeated after a 503, a 409
 * that carries Retry-After (the same Idempotency-Key still in flight) or a network error, within
 * a total time budget per call.
 */
export interface RetryOptions {
  /**
   * Longest a call may keep retrying, from its first attempt to the start of its last, in ms.
   * Default 30 000 (a primary database failover takes ~10 s; a planned switchover 1–4 s);
   * at most 120 000; 0 turns retries off.
   */
  readonly budgetMs?: number;
  /** First backoff step (doubling per attempt, capped at `maxDelayMs`), with full jitter. Default 250. */
  readonly baseDelayMs?: number;
  /** Default 4 000. */
  readonly maxDelayMs?: number;
  /** For tests: a source of [0, 1) numbers, a clock and a sleep. */
  readonly random?: () => number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY_BUDGET_MS = 30_000;
export const MAX_RETRY_BUDGET_MS = 120_000;

/**
 * Safe to send again: reads; a write with an Idempotency-Key (the service answers a repeat with
 * the first answer); a conditional PUT or DELETE (If-Match: a repeat after a success is refused
 * with 412, never applied twice). A POST without a key is never repeated: it could create twice.
 */
export function isSafeToRepeat(request: Request): boolean {
  const method = request.method.toUpperCase();
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return true;
  if (request.headers.has('idempotency-key')) return true;
  return (method === 'PUT' || method === 'DELETE') && request.headers.has('if-match');
}

function worthRetrying(response: Response): boolean {
  return response.status === 503 || (response.status === 409 && response.headers.has('retry-after'));
}

/** Retry-After in ms (delta-seconds or an HTTP date), or undefined. */
export function retryAfterMs(response: Response, now: number): number | undefined {
  const value = response.headers.get('retry-after');
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function retryingFetch(
  baseFetch: (request: Request) => Promise<Response>,
  options: RetryOptions = {},
): (request: Request) => Promise<Response> {
  const budgetMs = Math.min(Math.max(0, options.budgetMs ?? DEFAULT_RETRY_BUDGET_MS), MAX_RETRY_BUDGET_MS);
  const baseDelayMs = options.baseDelayMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 4_000;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  return async (request) => {
    if (budgetMs === 0 || !isSafeToRepeat(request)) return baseFetch(request);
    const deadline = now() + budgetMs;
    for (let attempt = 0; ; attempt += 1) {
      // Every attempt sends its own copy: a body can be read only once.
      const copy = request.clone();
      const step = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
      const backoff = step / 2 + (random() * step) / 2;
      let wait: number;
      try {
        const response = await baseFetch(copy);
        if (!worthRetrying(response)) return response;
        // The server's estimate is a floor; jitter spreads the clients that all heard it at once.
        wait = Math.max(retryAfterMs(response, now()) ?? 0, backoff) + random() * baseDelayMs;
        if (now() + wait > deadline) return response;
        await response.body?.cancel();
      } catch (error) {
        // A network failure (fetch rejects with a TypeError); an abort is the app's decision.
        if ((error as { name?: unknown })?.name === 'AbortError') throw error;
        wait = backoff;
        if (now() + wait > deadline) throw error;
      }
      await sleep(wait);
    }
  };
}
