import { randomUUID } from 'node:crypto';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import type { AccessTokenVerifier } from '../../application/ports/access-token-verifier.port.js';
import type { HealthCheck } from '../../application/ports/health-check.port.js';
import type { Logger } from '../logging/logger.port.js';
import { authentication } from './authentication.middleware.js';
import { errorHandling } from './error-handling.middleware.js';
import { type OpportunityUseCases, opportunityRoutes } from './opportunity.routes.js';
import { HttpProblem } from './problem.js';

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

/** Write endpoints only take JSON; anything else is a 415 rather than a confusing 400. */
const jsonOnly: Middleware = async (ctx, next) => {
  if ((ctx.method === 'POST' || ctx.method === 'PUT') && !ctx.is('application/json')) {
    throw new HttpProblem({
      status: 415,
      code: 'unsupported_media_type',
      title: 'Unsupported media type',
      detail: 'Send the request body as application/json',
    });
  }
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

  const api = opportunityRoutes(deps.useCases);
  const scope = deps.requestScope;
  const inScope: Middleware = scope ? (ctx, next) => scope(() => next()) : (_ctx, next) => next();

  app.use(requestId);
  app.use(errorHandling(deps.logger));
  app.use(health.routes());
  app.use(jsonOnly);
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: deps.bodyLimitBytes ?? 64 * 1024 }));
  app.use(authentication(deps.verifier, deps.logger));
  app.use(inScope);
  app.use(api.routes());
  app.use(api.allowedMethods());
  return app;
}
