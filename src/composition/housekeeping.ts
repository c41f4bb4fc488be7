import type { Logger } from '../adapters/logging/logger.port.js';

/**
 * Runs a housekeeping task every `intervalMs` (never two runs at once) until stopped, logging what
 * it removed. Every instance runs it; the tasks skip rows another instance is working on, so
 * instances share the work rather than block. Returns the stop function, which waits for a run in
 * progress.
 */
export function scheduleHousekeeping(
  task: { execute(): Promise<number> },
  what: string,
  intervalMs: number,
  logger: Logger,
): () => Promise<void> {
  let running: Promise<void> | undefined;
  const run = () => {
    running ??= task
      .execute()
      .then((removed) => {
        if (removed > 0) logger.info({ removed }, `housekeeping: ${what}`);
      })
      .catch((error: unknown) => logger.warn({ err: error }, `housekeeping failed: ${what}`))
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
