/**
 * `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database in
 * development), for deployments that run migrations as a separate step (MIGRATE_ON_START=false).
 */
import { startEmbeddedDatabase } from './adapters/embedded-postgres/embedded-database.js';
import { loadConfig } from './adapters/env/app-config.js';
import { migrateDatabase } from './adapters/postgres/schema/migrate-database.js';

const config = loadConfig();
const embedded = config.databaseUrl
  ? undefined
  : await startEmbeddedDatabase({ dataDir: config.dataDir, port: config.embeddedDbPort, database: 'opportunities' });
try {
  const applied = await migrateDatabase({ url: config.databaseUrl ?? (embedded?.url as string) });
  process.stdout.write(applied.length === 0 ? 'No pending migrations.\n' : `Applied: ${applied.join(', ')}\n`);
} finally {
  await embedded?.stop();
}
