/**
 * The key was already used for a different request (another body, resource or method). The
 * client must pick a new key; replaying the old answer for a different request would be a lie.
 */
export class IdempotencyKeyReusedError extends Error {
  readonly code = 'idempotency_key_reused';
  constructor() {
    super('This Idempotency-Key was already used with a different request; use a new key for a new request');
  }
}

/** Another request with the same key is being processed right now (on this or another instance). */
export class IdempotencyKeyInFlightError extends Error {
  readonly code = 'idempotency_key_in_flight';
  constructor(readonly retryAfterSeconds: number) {
    super('A request with this Idempotency-Key is still being processed; retry shortly');
  }
}
