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

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
