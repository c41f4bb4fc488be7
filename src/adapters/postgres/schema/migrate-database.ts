import { MikroORM } from '@mikro-orm/postgresql';
import { withMigrations } from './migration-options.js';
import { type DatabaseSettings, mikroOrmOptions } from './mikro-orm-options.js';

/**
 * Applies pending migrations on a connection of its own. A migration may rewrite a table or build
 * an index for minutes at production size, so neither the server-side statement timeout nor the
 * client-side query timeout that protect requests applies here (0 disables statement_timeout).
 * Returns the names of the migrations it applied.
 */
export async function migrateDatabase(settings: Pick<DatabaseSettings, 'url' | 'log'>): Promise<string[]> {
  const orm = await MikroORM.init(withMigrations(mikroOrmOptions({ ...settings, poolSize: 1, statementTimeoutMs: 0 })));
  try {
    return (await orm.migrator.up()).map((migration) => migration.name);
  } finally {
    await orm.close();
  }
}
