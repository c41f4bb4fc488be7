import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import type { AccessTokenVerifier } from '../../application/ports/access-token-verifier.port.js';
import type { HealthCheck } from '../../application/ports/health-check.port.js';
import type { Logger } from '../logging/logger.port.js';
import { authentication } from './authentication.middleware.js';
import { errorHandling } from './error-handling.middleware.js';
import { type OpportunityUseCases, opportunityRoutes } from './opportunity.routes.js';

export interface KoaAppDependencies {
  readonly useCases: OpportunityUseCases;
  readonly verifier: AccessTokenVerifier;
  readonly health: HealthCheck;
  readonly logger: Logger;
  /** Runs each API request inside a per-request scope (e.g. the ORM's request context). */
  readonly requestScope?: (work: () => Promise<void>) => Promise<void>;
  readonly bodyLimitBytes?: number;
  readonly healthTimeoutMs?: number;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Accepts a sane incoming X-Request-Id (from a gateway) or makes one, and echoes it. */
const requestId: Middleware = async (ctx, next) => {
  const incoming = ctx.get('x-request-id');
  ctx.state.requestId = REQUEST_ID.test(incoming) ? incoming : randomUUID();
  ctx.set('X-Request-Id', ctx.state.requestId as string);
  await next();
};

export function createKoaApp(deps: KoaAppDependencies): Koa {
  const app = new Koa();
  app.silent = true; // errors are logged by errorHandling, with the request id

  const health = new Router();
  health.get('/health', async (ctx) => {
    const up = await deps.health.isHealthy(deps.healthTimeoutMs ?? 1500);
    ctx.status = up ? 200 : 503;
    ctx.body = { status: up ? 'ok' : 'error', database: up ? 'up' : 'down' };
  });

  const api = opportunityRoutes(deps.useCases, deps.bodyLimitBytes ?? 64 * 1024);
  const scope = deps.requestScope;
  const inScope: Middleware = scope ? (ctx, next) => scope(() => next()) : (_ctx, next) => next();

  app.use(requestId);
  app.use(errorHandling(deps.logger));
  app.use(health.routes());
  app.use(authentication(deps.verifier, deps.logger));
  app.use(inScope);
  app.use(api.routes());
  app.use(api.allowedMethods());
  return app;
}
