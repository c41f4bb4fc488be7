import type { Context, Middleware } from 'koa';
import { type AccessTokenVerifier, TokenRejectedError } from '../../../application/ports/access-token-verifier.port.js';
import type { RateLimitStore } from '../../../application/ports/rate-limit-store.port.js';
import type { Actor } from '../../../domain/actor.js';
import type { Logger } from '../../logging/logger.port.js';
import { HttpProblem } from '../problem.js';
import type { ServiceMetrics } from '../service-metrics.js';
import { badAuthorizationHeader, notAuthenticated, tokenRefused } from './token-refusal.js';

const SCHEME = 'Bearer';

/** How many refused authentications one client address may cause per window before 429. */
export interface RefusalBudget {
  readonly store: RateLimitStore;
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * Authenticates eagerly, like DRF: a request without credentials goes on anonymously, but one that
 * carries a refused token gets 401 even on a public endpoint. Header rules follow simplejwt: split
 * on whitespace, the scheme `Bearer` compared case-sensitively (any other scheme is ignored), and
 * exactly two parts.
 */
export function authentication(
  verifier: AccessTokenVerifier,
  logger: Logger,
  metrics: ServiceMetrics,
  budget?: RefusalBudget,
): Middleware {
  const refused = (ctx: Context, reason: string, claims?: { tokenId?: string; userId?: string }) => {
    metrics.authFailure(reason);
    logRefusal(logger, ctx, reason, claims);
    // A key server that cannot be reached is not the client's doing.
    ctx.state.countableRefusal = reason !== 'key_unavailable';
  };
  const authenticate = authenticator(verifier, refused);
  return async (ctx, next) => {
    // Most reads carry no credentials: no parsing, no extra step.
    if (ctx.req.headers.authorization !== undefined) {
      try {
        await authenticate(ctx);
      } catch (error) {
        if (budget && ctx.state.countableRefusal === true) await countRefusal(ctx, budget, logger, metrics);
        throw error;
      }
    }
    await next();
  };
}

/**
 * Without this, a client spraying forged or expired tokens gets 401 forever at full speed. Past
 * the budget its refusals become 429 with Retry-After; valid tokens from the same address still
 * pass (a shared NAT should not lock its honest users out). A failing store fails open.
 */
async function countRefusal(ctx: Context, budget: RefusalBudget, logger: Logger, metrics: ServiceMetrics) {
  let counter;
  try {
    counter = await budget.store.hit(`auth-refused:ip:${ctx.ip}`, budget.windowMs);
  } catch (error) {
    metrics.rateLimitStoreError();
    logger.warn({ requestId: ctx.state.requestId, err: String(error) }, 'rate-limit store unavailable');
    return;
  }
  if (counter.count <= budget.limit) return;
  metrics.rateLimited('auth_refused');
  const retryAfter = Math.max(1, Math.ceil((counter.resetAt - Date.now()) / 1000));
  throw new HttpProblem({
    status: 429,
    code: 'rate_limited',
    title: 'Too many requests',
    detail: `More than ${budget.limit} refused authentications from this address per ${budget.windowMs / 1000} s`,
    headers: { 'Retry-After': String(retryAfter) },
  });
}

/** Sets `ctx.state.actor` when the request carries a valid Bearer token; throws a problem for a refused one. */
function authenticator(
  verifier: AccessTokenVerifier,
  refused: (ctx: Context, reason: string, claims?: { tokenId?: string; userId?: string }) => void,
): (ctx: Context) => Promise<void> {
  return async (ctx) => {
    const header = ctx.get('authorization');
    const parts = header
      .trim()
      .split(/\s+/)
      .filter((part) => part.length > 0);
    if (parts.length > 0 && parts[0] === SCHEME) {
      if (parts.length !== 2) {
        refused(ctx, 'bad_authorization_header');
        throw new HttpProblem(badAuthorizationHeader());
      }
      ctx.state.actor = await verify(verifier, ctx, parts[1] as string, refused);
    }
  };
}

async function verify(
  verifier: AccessTokenVerifier,
  ctx: Context,
  token: string,
  refused: (ctx: Context, reason: string, claims?: { tokenId?: string; userId?: string }) => void,
): Promise<Actor> {
  try {
    const verified = await verifier.verify(token);
    return { userId: verified.userId, role: verified.role };
  } catch (error) {
    if (!(error instanceof TokenRejectedError)) throw error;
    refused(ctx, error.reason, error.trustedClaims);
    throw new HttpProblem(tokenRefused(error.reason));
  }
}

/** One warn line per refusal: the reason and who asked; claims only when the signature was valid. */
function logRefusal(
  logger: Logger,
  ctx: Context,
  reason: string,
  claims: { tokenId?: string; userId?: string } = {},
): void {
  logger.warn(
    {
      event: 'auth_failure',
      reason,
      requestId: ctx.state.requestId,
      clientIp: ctx.ip,
      ...(claims.tokenId ? { jti: claims.tokenId } : {}),
      ...(claims.userId ? { userId: claims.userId } : {}),
    },
    'access token refused',
  );
}

/** The authenticated actor, or a 401 for endpoints that need one. */
export function requireActor(ctx: Context): Actor {
  const actor = ctx.state.actor as Actor | undefined;
  if (!actor) throw new HttpProblem(notAuthenticated());
  return actor;
}
