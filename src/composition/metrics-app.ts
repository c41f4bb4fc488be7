import Koa from 'koa';
import { bearerMatches } from '../adapters/koa/http-hardening.middleware.js';

/**
 * A bare app that serves only GET /metrics, for a port kept apart from public traffic; with a
 * token, only to scrapers that send it.
 */
export function metricsApp(metrics: () => Promise<{ contentType: string; body: string }>, token?: string): Koa {
  const app = new Koa();
  app.silent = true;
  app.use(async (ctx) => {
    if (ctx.method !== 'GET' || ctx.path !== '/metrics') {
      ctx.status = 404;
      return;
    }
    if (token !== undefined && !bearerMatches(ctx.get('authorization'), token)) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer realm="metrics"');
      return;
    }
    const { contentType, body } = await metrics();
    ctx.type = contentType;
    ctx.body = body;
  });
  return app;
}
