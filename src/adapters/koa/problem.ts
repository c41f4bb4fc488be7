import type { Context } from 'koa';
import type { DomainError } from '../../domain/domain-errors.js';
import {
  type DomainErrorKind,
  type FieldIssue,
  PreconditionFailedError,
  ValidationError,
} from '../../domain/domain-errors.js';

/** An RFC 9457 problem document plus the stable `code` (and DRF's `detail`) the app parses. */
export interface Problem {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors?: readonly FieldIssue[];
  readonly extra?: Record<string, unknown>;
  readonly headers?: Record<string, string>;
}

const STATUS_BY_KIND: Record<DomainErrorKind, { status: number; title: string }> = {
  invalid: { status: 400, title: 'Invalid request' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  precondition_failed: { status: 412, title: 'Precondition failed' },
};

/** A version is exposed as a strong entity tag. */
export const etagOf = (version: number): string => `"${version}"`;

/** Thrown by adapters for problems that are not domain errors (bad header, bad cursor…). */
export class HttpProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

export function validationProblem(issues: readonly FieldIssue[]): HttpProblem {
  return new HttpProblem(problemFor(new ValidationError(issues)));
}

/** The one place where domain errors become HTTP statuses. */
export function problemFor(error: DomainError): Problem {
  const { status, title } = STATUS_BY_KIND[error.kind];
  return {
    status,
    code: error.code,
    title,
    detail: error.message,
    ...(error instanceof ValidationError ? { errors: error.issues } : {}),
    // RFC 9110: a 412 tells the client which version is current, so it can refetch or retry.
    ...(error instanceof PreconditionFailedError
      ? { headers: { ETag: etagOf(error.currentVersion) }, extra: { currentVersion: error.currentVersion } }
      : {}),
  };
}

export function writeProblem(ctx: Context, problem: Problem): void {
  ctx.status = problem.status;
  for (const [name, value] of Object.entries(problem.headers ?? {})) ctx.set(name, value);
  ctx.type = 'application/problem+json';
  ctx.body = {
    type: `urn:opportunities:problem:${problem.code}`,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
    ...(problem.errors ? { errors: problem.errors } : {}),
    ...problem.extra,
  };
}
