import { ConfigError, loadConfig } from './adapters/env/app-config.js';
import { createLogger } from './adapters/logging/pino-logger.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, !config.production && process.stdout.isTTY);
  // Log lines are batched: a process that dies must write what it buffered, and why it died.
  const die = (error: unknown, message: string) => {
    logger.fatal({ err: error }, message);
    logger.flush(() => process.exit(1));
  };
  process.on('uncaughtException', (error) => die(error, 'uncaught exception'));
  process.on('unhandledRejection', (reason) => die(reason, 'unhandled rejection'));
  let service;
  try {
    // Loaded after the configuration is checked: a bad one is refused before the service's
    // modules (about a second of CPU) are loaded.
    const { startService } = await import('./composition/start-service.js');
    service = await startService(config, logger);
  } catch (error) {
    process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    // A misconfiguration is said in that one line; anything else gets its logged details too.
    const { NotAPrimaryError } = await import('./adapters/postgres/read-routing/database-roles.js');
    if (error instanceof NotAPrimaryError) process.exit(1);
    die(error, 'failed to start');
    return;
  }
  releaseStartUpGarbage();
  logger.info({ url: service.url }, 'opportunities service is listening');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    service.stop().then(
      () => {
        logger.info('stopped');
        logger.flush(() => process.exit(0));
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        logger.flush(() => process.exit(1));
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/**
 * Start-up (loading ~1,300 modules, the ORM's metadata, the migration check) leaves about 15 MB of
 * garbage and grows V8's young generation to its maximum; V8 would give that back only after
 * seconds of idleness, so every idle instance kept ~30 MB it does not use. One full collection,
 * once, before traffic (~60 ms) returns it. It needs `node --expose-gc`, which production's start
 * passes (Dockerfile CMD, `npm start`, the bench's PRODUCTION_NODE_FLAGS); without it, nothing.
 */
function releaseStartUpGarbage(): void {
  globalThis.gc?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
