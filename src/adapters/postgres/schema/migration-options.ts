import { Migrator } from '@mikro-orm/migrations';
import type { Options } from '@mikro-orm/postgresql';
import { migrations } from './migrations/index.js';

/**
 * The ORM's options plus its migrator, for whatever applies or writes migrations (the migration
 * step, the MikroORM CLI, tests that build a schema). Kept apart from the serving options: a
 * serving instance (MIGRATE_ON_START=false, as in Kubernetes and compose) never imports the
 * migrations. (MikroORM still registers its installed migrator package by itself at init.)
 */
export function withMigrations(options: Options): Options {
  return {
    ...options,
    extensions: [...(options.extensions ?? []), Migrator],
    migrations: {
      migrationsList: migrations,
      path: 'src/adapters/postgres/schema/migrations',
      // `npx mikro-orm migration:create --name <change>` diffs the entities against the migrated
      // database named by DATABASE_URL. No snapshot file: MikroORM 7.2.1 leaves routines (the
      // opportunity_tags_text function) out of it, so every snapshot diff would re-create them.
      snapshot: false,
      fileName: (timestamp: string, name?: string) => `migration-${timestamp}${name ? `-${name}` : ''}`,
      transactional: true,
      allOrNothing: true,
    },
  };
}
