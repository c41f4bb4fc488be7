/**
 * `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database in
 * development), for deployments that run migrations as a separate step (MIGRATE_ON_START=false).
 */
import { MikroORM } from '@mikro-orm/postgresql';
import { startEmbeddedDatabase } from '../embedded-postgres/embedded-database.js';
import { loadConfig } from '../env/app-config.js';
import { mikroOrmOptions } from './mikro-orm-options.js';

const config = loadConfig();
const embedded = config.databaseUrl
  ? undefined
  : await startEmbeddedDatabase({ dataDir: config.dataDir, port: config.embeddedDbPort, database: 'opportunities' });
const orm = await MikroORM.init(mikroOrmOptions({ url: config.databaseUrl ?? (embedded?.url as string) }));
try {
  const applied = await orm.migrator.up();
  process.stdout.write(
    applied.length === 0 ? 'No pending migrations.\n' : `Applied: ${applied.map((m) => m.name).join(', ')}\n`,
  );
} finally {
  await orm.close();
  await embedded?.stop();
}
