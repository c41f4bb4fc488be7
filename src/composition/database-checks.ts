import type { AppConfig } from '../adapters/env/app-config.js';
import type { Logger } from '../adapters/logging/logger.port.js';
import { requireWritablePrimary, serverName, serverRole } from '../adapters/postgres/read-routing/database-roles.js';

/**
 * Start-up checks of what the configured URLs reach. DATABASE_URL must be a writable primary (a
 * NotAPrimaryError stops the start); a replica URL that reaches a primary is reported, since it
 * would serve no reads (the replica set only uses servers in recovery) and usually means a
 * mistyped port or a router check that sends to the primary.
 */
export async function checkDatabaseRoles(config: AppConfig, databaseUrl: string, logger: Logger): Promise<void> {
  const timeoutMs = config.ops.dbConnectTimeoutMs;
  const [primary, ...replicas] = await Promise.all([
    requireWritablePrimary(databaseUrl, timeoutMs),
    ...config.replicas.urls.map((url) => serverRole(url, timeoutMs)),
  ]);
  if (primary === 'unreachable') {
    logger.warn(
      { server: serverName(databaseUrl) },
      'DATABASE_URL did not answer at start: requests answer 503 until it does',
    );
  }
  replicas.forEach((role, index) => {
    if (role !== 'primary' && role !== 'read-only') return;
    const url = config.replicas.urls[index] as string;
    logger.warn(
      { replica: `replica-${index + 1}`, server: serverName(url) },
      'a DATABASE_REPLICA_URLS entry points at a primary, not a standby: it serves no reads (check the URL)',
    );
  });
}
