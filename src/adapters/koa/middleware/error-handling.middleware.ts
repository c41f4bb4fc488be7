import type { Middleware } from 'koa';
import { DependencyUnavailableError } from '../../../application/dependency-unavailable.error.js';
import { DomainError } from '../../../domain/domain-errors.js';
import type { Logger } from '../../logging/logger.port.js';
import { HttpProblem, type Problem, problemFor, writeProblem } from '../problem.js';

const CLIENT_ERRORS: Record<number, { code: string; title: string }> = {
  400: { code: 'bad_request', title: 'Bad request' },
  413: { code: 'payload_too_large', title: 'Payload too large' },
  415: { code: 'unsupported_media_type', title: 'Unsupported media type' },
};

/**
 * Turns every failure into a problem+json answer. Client errors say what was wrong; anything
 * unexpected is logged with the request id and answered with a bare 500, never internals.
 */
export function errorHandling(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      // Koa and the router leave bodiless 404/405/501 answers: give them the same shape.
      if (ctx.status >= 400 && (ctx.body === undefined || ctx.body === null)) {
        writeProblem(ctx, routingProblem(ctx.status, ctx.method));
      }
    } catch (error) {
      writeProblem(
        ctx,
        toProblem(error, () => logger.error({ err: error, requestId: ctx.state.requestId }, 'unhandled error')),
      );
    }
  };
}

function routingProblem(status: number, method: string): Problem {
  if (status === 405) {
    return { status, code: 'method_not_allowed', title: 'Method not allowed', detail: `${method} is not allowed here` };
  }
  if (status === 501) {
    return { status, code: 'not_implemented', title: 'Not implemented', detail: `${method} is not supported` };
  }
  return { status: 404, code: 'route_not_found', title: 'Not found', detail: 'No such endpoint' };
}

// When the adapter gives no estimate of when the dependency is back.
const DEFAULT_RETRY_AFTER_SECONDS = 5;

function toProblem(error: unknown, logUnexpected: () => void): Problem {
  if (error instanceof HttpProblem) return error.problem;
  if (error instanceof DomainError) return problemFor(error);
  if (error instanceof DependencyUnavailableError) {
    return {
      status: 503,
      code: 'service_unavailable',
      title: 'Service unavailable',
      detail: 'A dependency of the service is unavailable; try again shortly',
      headers: { 'Retry-After': String(error.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS) },
    };
  }
  const status = httpStatusOf(error);
  const known = status === undefined ? undefined : CLIENT_ERRORS[status];
  if (status !== undefined && known) {
    // Framework client errors (body parser) carry messages safe to show, e.g. "invalid JSON".
    return { status, ...known, detail: clientMessage(status) };
  }
  logUnexpected();
  return {
    status: 500,
    code: 'internal_error',
    title: 'Internal server error',
    detail: 'An unexpected error occurred',
  };
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

function clientMessage(status: number): string {
  if (status === 413) return 'The request body is too large';
  if (status === 415) return 'Send the request body as application/json';
  return 'The request body is not valid JSON';
}
