import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { HttpProblem } from '../problem.js';

/**
 * CORS for an allow-list of origins; off when the list is empty (the main client is a mobile app,
 * which needs none). Answers preflights itself.
 */
export function cors(allowedOrigins: readonly string[]): Middleware {
  const allowed = new Set(allowedOrigins);
  return async (ctx, next) => {
    const origin = ctx.get('origin');
    if (allowed.size === 0 || !origin || !(allowed.has(origin) || allowed.has('*'))) {
      await next();
      return;
    }
    ctx.vary('Origin');
    ctx.set('Access-Control-Allow-Origin', allowed.has('*') ? '*' : origin);
    ctx.set(
      'Access-Control-Expose-Headers',
      'Location, ETag, X-Request-Id, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After, Idempotent-Replayed',
    );
    if (ctx.method === 'OPTIONS' && ctx.get('access-control-request-method')) {
      ctx.set('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE');
      ctx.set(
        'Access-Control-Allow-Headers',
        'Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, X-Read-Consistency, X-Request-Id',
      );
      ctx.set('Access-Control-Max-Age', '600');
      ctx.status = 204;
      return;
    }
    await next();
  };
}

/**
 * RFC 9112 section 3.2: a request with more than one Host header must be refused with 400. Node
 * keeps only the first, so two hosts would otherwise reach anything that reads the host.
 */
export const singleHost: Middleware = async (ctx, next) => {
  const raw = ctx.req.rawHeaders;
  let hosts = 0;
  for (let index = 0; index < raw.length; index += 2) {
    // The length first: lower-casing every header name of every request allocates a string each.
    const name = raw[index] as string;
    if (name.length === 4 && name.toLowerCase() === 'host') hosts += 1;
  }
  if (hosts > 1) {
    throw new HttpProblem({
      status: 400,
      code: 'duplicate_host',
      title: 'Bad request',
      detail: 'The request has more than one Host header',
    });
  }
  await next();
};

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** `Authorization: Bearer <token>` compared in constant time (hashing first evens out the lengths). */
export function bearerMatches(authorization: string, token: string): boolean {
  return timingSafeEqual(digest(authorization.trim()), digest(`Bearer ${token}`));
}
