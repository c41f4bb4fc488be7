import type { Context, Middleware } from 'koa';
import type { Logger } from '../../logging/logger.port.js';
import { callerTrace, type RequestTracing, type ServerSpan } from '../request-tracing.js';
import type { ServiceMetrics } from '../service-metrics.js';

type TraceFields = Record<string, string | boolean>;

/**
 * One access-log line and one metrics observation per request, with the route template (not the
 * raw path) so ids do not explode label cardinality. Never logs headers or bodies.
 *
 * With tracing, the request runs inside its server span and the line carries `trace_id` and
 * `span_id` (and `trace_sampled`). Without it, no span exists: the line carries the caller's
 * `trace_id` and `parent_span_id` when a valid `traceparent` came in, so the caller's trace still
 * leads to it.
 */
export function accessLog(logger: Logger, metrics: ServiceMetrics, tracing?: RequestTracing): Middleware {
  const finish = (ctx: Context, started: bigint, trace: TraceFields | undefined, span?: ServerSpan) => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const matched = (ctx as { _matchedRoute?: string })._matchedRoute;
    const route = matched === undefined ? 'unmatched' : String(matched);
    metrics.observeRequest(ctx.method, route, ctx.status, seconds);
    span?.end(matched === undefined ? undefined : route, ctx.status);
    logger.info(
      {
        requestId: ctx.state.requestId,
        ...trace,
        // With TRUST_PROXY, the client's address as the proxy saw it.
        clientIp: ctx.ip,
        method: ctx.method,
        route,
        status: ctx.status,
        durationMs: Math.round(seconds * 1e4) / 10,
      },
      'request',
    );
  };
  if (!tracing) {
    return async (ctx, next) => {
      const started = process.hrtime.bigint();
      try {
        await next();
      } finally {
        const caller = callerTrace(ctx.req.headers.traceparent);
        finish(ctx, started, caller && { trace_id: caller.traceId, parent_span_id: caller.parentSpanId });
      }
    };
  }
  return (ctx, next) => {
    const started = process.hrtime.bigint();
    const { req } = ctx;
    const request = {
      method: ctx.method,
      path: ctx.path,
      scheme: ctx.protocol,
      clientAddress: ctx.ip,
      userAgent: req.headers['user-agent'],
      protocolVersion: req.httpVersion,
    };
    return tracing.serve(req.headers, request, async (span) => {
      try {
        await next();
      } finally {
        finish(ctx, started, { trace_id: span.traceId, span_id: span.spanId, trace_sampled: span.sampled }, span);
      }
    });
  };
}
