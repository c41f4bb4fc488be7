/**
 * Errors the core raises. Adapters translate them (HTTP maps each kind to a status in one place),
 * so the core never knows about transport details.
 */
export type DomainErrorKind = 'not_found' | 'forbidden' | 'invalid' | 'conflict' | 'precondition_failed';

export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  /** Stable, machine-readable code for clients; the message is for humans. */
  abstract readonly code: string;
}

export class NotFoundError extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'not_found';
  constructor(entity: string, id: string) {
    super(`${entity} ${id} was not found`);
  }
}

export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
  readonly code = 'forbidden';
}

export class ValidationError extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'validation_failed';
  constructor(readonly issues: readonly FieldIssue[]) {
    super(`Invalid input: ${issues.map((issue) => `${issue.field} ${issue.message}`).join('; ')}`);
  }
}

export class ConflictError extends DomainError {
  readonly kind = 'conflict';
  constructor(
    message: string,
    readonly code: string = 'conflict',
  ) {
    super(message);
  }
}

/** The client's condition on the version it saw (If-Match) no longer holds. */
export class PreconditionFailedError extends DomainError {
  readonly kind = 'precondition_failed';
  readonly code = 'version_mismatch';
  constructor(
    entity: string,
    id: string,
    readonly currentVersion: number,
  ) {
    super(`${entity} ${id} is at version ${currentVersion}, which the request's condition does not match`);
  }
}
