/**
 * A dependency the service needs (the database) cannot be reached right now. Adapters raise it
 * instead of leaking driver errors, so callers can answer "try again later" rather than fail.
 */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: string,
    options?: { cause?: unknown },
  ) {
    super(`${dependency} is unavailable`, options);
  }
}
