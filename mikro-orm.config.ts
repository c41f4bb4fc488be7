/**
 * Configuration for the MikroORM CLI (`npx mikro-orm migration:list|up|down`). The service
 * itself builds the same options in src/adapters/postgres/schema/mikro-orm-options.ts (serving)
 * and migration-options.ts (the migrator).
 */
import { withMigrations } from './src/adapters/postgres/schema/migration-options.js';
import { mikroOrmOptions } from './src/adapters/postgres/schema/mikro-orm-options.js';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('Set DATABASE_URL to use the MikroORM CLI');

export default withMigrations(mikroOrmOptions({ url, log: (message) => process.stdout.write(`${message}\n`) }));
