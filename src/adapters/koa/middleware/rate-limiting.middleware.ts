import type { Context, Middleware } from 'koa';
import type { RateLimitStore } from '../../../application/ports/rate-limit-store.port.js';
import type { Actor } from '../../../domain/actor.js';
import type { Logger } from '../../logging/logger.port.js';
import { HttpProblem } from '../problem.js';
import type { ServiceMetrics } from '../service-metrics.js';

export interface Budget {
  readonly limit: number;
  readonly windowMs: number;
}

export interface RateLimitPolicy {
  /** Reads (GET/HEAD), counted per client address. */
  readonly read: Budget;
  /** Writes, counted per authenticated user (per address when there is none). */
  readonly write: Budget;
  /** Refused authentications, counted per client address (429 past the budget). */
  readonly refusedAuthentications?: Budget;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Fixed-window rate limiting with the widely used `RateLimit-Limit`, `RateLimit-Remaining` and
 * `RateLimit-Reset` (seconds) headers on every limited response, and 429 + `Retry-After` over
 * budget. If the store fails the request is let through (fail open), logged and counted: a
 * broken limiter must not take the API down with it.
 */
export function rateLimiting(
  store: RateLimitStore,
  policy: RateLimitPolicy,
  logger: Logger,
  metrics: ServiceMetrics,
): Middleware {
  // Built once: these run on every request.
  const readLimit = String(policy.read.limit);
  const writeLimit = String(policy.write.limit);
  return async (ctx, next) => {
    const read = READ_METHODS.has(ctx.method);
    const bucket = read ? 'read' : 'write';
    const budget = read ? policy.read : policy.write;
    const key = read ? `read:ip:${ctx.ip}` : writeKey(ctx);
    let counter;
    try {
      counter = await store.hit(key, budget.windowMs);
    } catch (error) {
      metrics.rateLimitStoreError();
      logger.warn(
        { requestId: ctx.state.requestId, err: String(error) },
        'rate-limit store unavailable: request let through',
      );
      await next();
      return;
    }
    const resetSeconds = Math.max(0, Math.ceil((counter.resetAt - Date.now()) / 1000));
    const res = ctx.res; // straight on the node response: Koa's `set` re-checks every value
    res.setHeader('RateLimit-Limit', read ? readLimit : writeLimit);
    res.setHeader('RateLimit-Remaining', String(Math.max(0, budget.limit - counter.count)));
    res.setHeader('RateLimit-Reset', String(resetSeconds));
    if (counter.count > budget.limit) {
      metrics.rateLimited(bucket);
      throw new HttpProblem({
        status: 429,
        code: 'rate_limited',
        title: 'Too many requests',
        detail: `Rate limit of ${budget.limit} ${bucket} requests per ${budget.windowMs / 1000} s exceeded`,
        headers: { 'Retry-After': String(Math.max(1, resetSeconds)) },
      });
    }
    await next();
  };
}

/** Writes count per authenticated user, per address when there is none. */
function writeKey(ctx: Context): string {
  const actor = ctx.state.actor as Actor | undefined;
  return actor ? `write:user:${actor.userId}` : `write:ip:${ctx.ip}`;
}
