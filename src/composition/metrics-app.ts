import Koa from 'koa';

/** A bare app that serves only GET /metrics, for a port kept apart from public traffic. */
export function metricsApp(metrics: () => Promise<{ contentType: string; body: string }>): Koa {
  const app = new Koa();
  app.silent = true;
  app.use(async (ctx) => {
    if (ctx.method !== 'GET' || ctx.path !== '/metrics') {
      ctx.status = 404;
      return;
    }
    const { contentType, body } = await metrics();
    ctx.type = contentType;
    ctx.body = body;
  });
  return app;
}
