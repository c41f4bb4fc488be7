/**
 * A dependency the service needs (the database) cannot be reached right now. Adapters raise it
 * instead of leaking driver errors, so callers can answer "try again later" rather than fail.
 * `retryAfterSeconds` is the adapter's estimate of when trying again is worthwhile.
 */
export class DependencyUnavailableError extends Error {
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly dependency: string,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(`${dependency} is unavailable`, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}
