import { Redis } from 'ioredis';
import type { RateLimitCounter, RateLimitStore } from '../../application/ports/rate-limit-store.port.js';

// One round trip, atomic: count the hit, start the window on the first one, report time left.
const HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return { count, ttl }
`;

/** Runs one Redis command inside a client span when tracing is on (the OpenTelemetry adapter implements it). */
export type TracedCommand = <T>(
  name: string,
  attributes: Readonly<Record<string, string | number>>,
  call: () => Promise<T>,
) => Promise<T>;

// The span says what ran, never the key: keys hold a user id or a client address.
const HIT_SPAN = { 'db.system.name': 'redis', 'db.operation.name': 'EVAL', 'db.query.summary': 'EVAL rate_limit_hit' };

/**
 * Fixed-window counters in Redis, shared by every instance behind a load balancer. Fails fast
 * (short timeouts, no offline queue) so an unreachable Redis costs a request milliseconds, not
 * seconds; the caller then fails open.
 */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly redis: Redis;

  constructor(
    url: string,
    prefix = 'opportunities:ratelimit:',
    private readonly traced?: TracedCommand,
  ) {
    this.redis = new Redis(url, {
      keyPrefix: prefix,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1_000,
      commandTimeout: 250,
      lazyConnect: false,
      // Keep trying to reconnect in the background, at most every 2 s.
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    // Errors surface on the commands; an unhandled 'error' event would crash the process.
    this.redis.on('error', () => undefined);
  }

  /** Waits (bounded) for the first connection, so the first requests do not fail open needlessly. */
  async ready(timeoutMs: number): Promise<boolean> {
    if (this.redis.status === 'ready') return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.redis.once('ready', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  async hit(key: string, windowMs: number): Promise<RateLimitCounter> {
    const run = () => this.redis.eval(HIT, 1, key, String(windowMs)) as Promise<[number, number]>;
    const [count, ttl] = await (this.traced ? this.traced('rate_limit_hit', HIT_SPAN, run) : run());
    return { count, resetAt: Date.now() + ttl };
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
