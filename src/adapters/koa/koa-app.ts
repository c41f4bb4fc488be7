import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import type { AccessTokenVerifier } from '../../application/ports/access-token-verifier.port.js';
import type { HealthCheck } from '../../application/ports/health-check.port.js';
import type { Actor } from '../../domain/actor.js';
import type { RateLimitStore } from '../../application/ports/rate-limit-store.port.js';
import type { Logger } from '../logging/logger.port.js';
import { accessLog } from './middleware/access-log.middleware.js';
import { authentication } from './middleware/authentication.middleware.js';
import { errorHandling } from './middleware/error-handling.middleware.js';
import { cors, singleHost } from './middleware/http-hardening.middleware.js';
import { docsRoutes } from './openapi/docs.routes.js';
import { type OpportunityUseCases, opportunityRoutes } from './opportunities/opportunity.routes.js';
import { type RateLimitPolicy, rateLimiting } from './middleware/rate-limiting.middleware.js';
import { responseHeaders } from './middleware/response-headers.middleware.js';
import { metricsHandler, type MetricsEndpoint } from './metrics.routes.js';
import { noMetrics, type ServiceMetrics } from './service-metrics.js';
import type { RequestTracing } from './request-tracing.js';

export interface KoaAppDependencies {
  readonly useCases: OpportunityUseCases;
  readonly verifier: AccessTokenVerifier;
  readonly health: HealthCheck;
  readonly logger: Logger;
  readonly metrics?: ServiceMetrics;
  /** Server spans (OpenTelemetry); absent means no span work at all. */
  readonly tracing?: RequestTracing;
  /** Serves `GET /metrics` on this app when given (Prometheus text format). */
  readonly metricsEndpoint?: MetricsEndpoint;
  /** METRICS_TOKEN: /metrics then needs `Authorization: Bearer <token>`. */
  readonly metricsToken?: string;
  readonly rateLimit?: { readonly store: RateLimitStore; readonly policy: RateLimitPolicy };
  readonly bodyLimitBytes?: number;
  /** REQUIRE_IF_MATCH: 428 for a PUT or DELETE without If-Match. */
  readonly requireIfMatch?: boolean;
  /** POST without an Idempotency-Key is refused (REQUIRE_IDEMPOTENCY_KEY). */
  readonly requireIdempotencyKey?: boolean;
  readonly healthTimeoutMs?: number;
  /** Base of absolute links (`next`/`previous`); relative links when absent, never the Host header. */
  readonly publicUrl?: string;
  /** Believe X-Forwarded-For and -Proto (only behind a proxy that sets them); the Host header is never used. */
  readonly trustProxy?: boolean;
  readonly corsOrigins?: readonly string[];
  /**
   * Runs the rest of a request in a read scope (read replicas: read-your-writes). Gets the token's
   * user and the request's kind: `write` for methods that change state, `primary` when the client
   * asks for primary reads (`X-Read-Consistency: primary`), else `read`.
   */
  readonly readScope?: (
    userId: string | undefined,
    kind: 'read' | 'write' | 'primary',
    next: () => Promise<void>,
  ) => Promise<void>;
  /** True once shutdown began: responses then close their connection. */
  readonly isStopping?: () => boolean;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function operationalRoutes(deps: KoaAppDependencies): Router {
  const router = new Router();
  router.get('/health', async (ctx) => {
    // Readiness: an instance told to stop asks its load balancer to send nothing new, at once.
    if (deps.isStopping?.()) {
      ctx.status = 503;
      ctx.body = { status: 'stopping' };
      return;
    }
    const up = await deps.health.isHealthy(deps.healthTimeoutMs ?? 1500);
    ctx.status = up ? 200 : 503;
    const replicas = deps.health.replicas?.() ?? [];
    ctx.body = { status: up ? 'ok' : 'error', database: up ? 'up' : 'down', ...(replicas.length ? { replicas } : {}) };
  });
  // Liveness: the process answers; says nothing about dependencies, so orchestrators do not
  // restart a healthy process because the database is down.
  router.get('/health/live', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  if (deps.metricsEndpoint) router.get('/metrics', metricsHandler(deps.metricsEndpoint, deps.metricsToken));
  return router;
}

/**
 * The operational and documentation routers serve nothing under `/api/`, so the API's requests skip
 * their matching (a router that matches nothing still walks its routes and builds a chain per
 * request). Other paths, in any letter case, still go through them as before.
 */
function outsideApi(router: Router): Middleware {
  const routes = router.routes();
  // The router sets `params` and `router` on the context itself.
  const gated: Middleware = (ctx, next) =>
    ctx.path.startsWith('/api/') ? next() : routes(ctx as Parameters<typeof routes>[0], next);
  // Like the router's own middleware, it names its router (the contract's drift test reads it).
  return Object.assign(gated, { router });
}

export function createKoaApp(deps: KoaAppDependencies): Koa {
  // Behind a proxy, only the address the nearest proxy appended is believed: the left-most
  // X-Forwarded-For entries are whatever the client chose to send.
  const app = new Koa({ proxy: deps.trustProxy ?? false, maxIpsCount: 1 });
  app.silent = true; // errors are logged by errorHandling, with the request id
  const metrics = deps.metrics ?? noMetrics;
  const api = opportunityRoutes(deps.useCases, {
    bodyLimitBytes: deps.bodyLimitBytes ?? 64 * 1024,
    requireIfMatch: deps.requireIfMatch ?? false,
    ...(deps.publicUrl ? { publicUrl: deps.publicUrl } : {}),
    requireIdempotencyKey: deps.requireIdempotencyKey ?? false,
  });
  const ops = operationalRoutes(deps);

  app.use(responseHeaders(deps.isStopping ? { isStopping: deps.isStopping } : {}));
  app.use(accessLog(deps.logger, metrics, deps.tracing));
  app.use(errorHandling(deps.logger));
  app.use(singleHost);
  // Off when no origin is configured (the main client is a mobile app): then no step at all.
  if (deps.corsOrigins?.length) app.use(cors(deps.corsOrigins));
  app.use(outsideApi(ops));
  app.use(outsideApi(docsRoutes())); // the contract and its page: public, before token checks and limits
  const refusals = deps.rateLimit?.policy.refusedAuthentications;
  app.use(
    authentication(
      deps.verifier,
      deps.logger,
      metrics,
      deps.rateLimit && refusals ? { store: deps.rateLimit.store, ...refusals } : undefined,
    ),
  );
  const { readScope } = deps;
  if (readScope) {
    app.use((ctx, next) =>
      readScope(
        (ctx.state.actor as Actor | undefined)?.userId,
        SAFE_METHODS.has(ctx.method)
          ? ctx.get('x-read-consistency').toLowerCase() === 'primary'
            ? 'primary'
            : 'read'
          : 'write',
        next,
      ),
    );
  }
  if (deps.rateLimit) app.use(rateLimiting(deps.rateLimit.store, deps.rateLimit.policy, deps.logger, metrics));
  app.use(api.routes());
  app.use(api.allowedMethods());
  return app;
}
