import Koa, { type Middleware } from 'koa';
import { bearerMatches } from './middleware/http-hardening.middleware.js';
import { writeProblem } from './problem.js';

/** Prometheus's text exposition, produced on demand. */
export type MetricsEndpoint = () => Promise<{ contentType: string; body: string }>;

/**
 * GET /metrics; with a token (METRICS_TOKEN), only for scrapers that send it. The same handler
 * serves the API port and the separate metrics port, so both refuse alike.
 */
export function metricsHandler(endpoint: MetricsEndpoint, token?: string): Middleware {
  return async (ctx) => {
    if (token !== undefined && !bearerMatches(ctx.get('authorization'), token)) {
      writeProblem(ctx, {
        status: 401,
        code: 'not_authenticated',
        title: 'Not authenticated',
        detail: 'Metrics need the metrics bearer token',
        headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' },
      });
      return;
    }
    const { contentType, body } = await endpoint();
    ctx.type = contentType;
    ctx.body = body;
  };
}

/** A bare app that serves only GET /metrics, for a port kept apart from public traffic. */
export function metricsApp(endpoint: MetricsEndpoint, token?: string): Koa {
  const app = new Koa();
  app.silent = true;
  const serve = metricsHandler(endpoint, token);
  app.use(async (ctx, next) => {
    if (ctx.method !== 'GET' || ctx.path !== '/metrics') {
      ctx.status = 404;
      return;
    }
    await serve(ctx, next);
  });
  return app;
}
