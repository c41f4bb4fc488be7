import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { migrations } from './migrations/index.js';
import { IdempotencyKeySchema } from './idempotency-key.entity-schema.js';
import { OpportunitySchema } from './opportunity.entity-schema.js';
import { SearchVocabularySchema } from './search/search-entity-schema.js';

export interface DatabaseSettings {
  readonly url: string;
  readonly poolSize?: number;
  /** Server-side cap so one slow query cannot hold a connection forever. */
  readonly statementTimeoutMs?: number;
  /** How long a request waits for a connection before failing (fast 503s when the database is down). */
  readonly connectTimeoutMs?: number;
  /**
   * Client-side cap on one query: when the server itself hangs (frozen process, network partition)
   * its statement_timeout never fires, so the driver gives up and the pool drops that connection.
   */
  readonly queryTimeoutMs?: number;
  /** Where the ORM's own messages (e.g. the migrator's progress) go; silent by default. */
  readonly log?: (message: string) => void;
}

export function mikroOrmOptions(settings: DatabaseSettings): Options {
  return defineConfig({
    clientUrl: settings.url,
    entities: [OpportunitySchema, IdempotencyKeySchema, SearchVocabularySchema],
    extensions: [Migrator],
    migrations: {
      migrationsList: migrations,
      path: 'src/adapters/mikro-orm/migrations',
      snapshot: false,
      transactional: true,
      allOrNothing: true,
    },
    pool: { min: 0, max: settings.poolSize ?? 10 },
    driverOptions: {
      statement_timeout: settings.statementTimeoutMs ?? 10_000,
      // pg-pool applies this both to opening a connection and to waiting for a free one.
      connectionTimeoutMillis: settings.connectTimeoutMs ?? 2_000,
      ...(settings.queryTimeoutMs === undefined ? {} : { query_timeout: settings.queryTimeoutMs }),
    },
    // Entities are defined in code; never scan folders at start-up.
    discovery: { warnWhenNoEntities: true },
    debug: false,
    logger: settings.log ?? (() => undefined),
  });
}
