import type { Middleware } from 'koa';
import type { Logger } from '../../logging/logger.port.js';
import type { ServiceMetrics } from '../service-metrics.js';

/**
 * One access-log line and one metrics observation per request, with the route template (not the
 * raw path) so ids do not explode label cardinality. Never logs headers or bodies.
 */
export function accessLog(logger: Logger, metrics: ServiceMetrics): Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      metrics.observeRequest(ctx.method, String(route), ctx.status, seconds);
      logger.info(
        {
          requestId: ctx.state.requestId,
          // With TRUST_PROXY, the client's address as the proxy saw it.
          clientIp: ctx.ip,
          method: ctx.method,
          route,
          status: ctx.status,
          durationMs: Math.round(seconds * 1e4) / 10,
        },
        'request',
      );
    }
  };
}
