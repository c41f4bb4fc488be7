import type { PurgeExpiredIdempotencyKeys } from '../application/idempotency/purge-expired-idempotency-keys.use-case.js';
import type { Logger } from '../adapters/logging/logger.port.js';

/**
 * Runs the purge every `intervalMs` (never two runs at once) until stopped. Every instance runs
 * it; batches skip rows another instance is deleting, so they share the work rather than block.
 * Returns the stop function, which waits for a run in progress.
 */
export function schedulePurge(purge: PurgeExpiredIdempotencyKeys, intervalMs: number, logger: Logger) {
  let running: Promise<void> | undefined;
  const run = () => {
    running ??= purge
      .execute()
      .then((deleted) => {
        if (deleted > 0) logger.info({ deleted }, 'purged expired idempotency keys');
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'purging expired idempotency keys failed'))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return async (): Promise<void> => {
    clearInterval(timer);
    await running;
  };
}
