import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { IdempotencyKeySchema } from './idempotency-key.entity-schema.js';
import { OpportunityEarthPosition, OpportunitySchema, OpportunityTagsText } from './opportunity.entity-schema.js';
import {
  OpportunityFold,
  OpportunityVocabularyWords,
  SearchVocabularySchema,
} from './search-vocabulary.entity-schema.js';
import { SearchVocabularyVariantSchema, SearchVocabularyVariants } from './vocabulary-variants.entity-schema.js';
import { SearchTitlePostingSchema } from './title-postings.entity-schema.js';
import { OpportunitySearchEstimate } from './search-estimate.routine.js';

export interface DatabaseSettings {
  readonly url: string;
  /** Hot standbys for reads (DATABASE_REPLICA_URLS); the repository decides which read uses one. */
  readonly replicaUrls?: readonly string[];
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

/**
 * The service's session settings, also used by the tools that show its plans.
 *
 * Every statement is a named prepared statement written for one query shape. Left to choose,
 * PostgreSQL re-plans the search's on every execution (its parameters switch whole branches off,
 * so each custom plan looks cheaper than the generic one), and planning that statement costs more
 * CPU than running it for a rare word or a prefix: plan once per connection.
 *
 * No JIT: every statement here is bounded by design (milliseconds), while a generic plan's
 * estimates (parameters unknown, a thousand rows per set-returning call) can pass jit_above_cost
 * and make each execution pay tens to hundreds of milliseconds of compiling.
 */
export const SESSION_OPTIONS = '-c plan_cache_mode=force_generic_plan -c jit=off';

export function mikroOrmOptions(settings: DatabaseSettings): Options {
  return defineConfig({
    clientUrl: settings.url,
    replicas: (settings.replicaUrls ?? []).map((clientUrl, index) => ({ name: `replica-${index + 1}`, clientUrl })),
    // The ORM would pick a replica at random, healthy or not: reads are routed by ReplicaSet instead.
    preferReadReplicas: false,
    entities: [
      OpportunitySchema,
      IdempotencyKeySchema,
      SearchVocabularySchema,
      SearchVocabularyVariantSchema,
      SearchTitlePostingSchema,
    ],
    routines: [
      OpportunityTagsText,
      OpportunityFold,
      OpportunityVocabularyWords,
      SearchVocabularyVariants,
      OpportunityEarthPosition,
      OpportunitySearchEstimate,
    ],
    pool: { min: 0, max: settings.poolSize ?? 10 },
    driverOptions: {
      // MikroORM reads only host, port, user, password, database and schema from the URL: pass
      // libpq's application_name on, so the service's sessions are recognisable in pg_stat_activity.
      application_name: new URL(settings.url).searchParams.get('application_name') ?? 'opportunities',
      statement_timeout: settings.statementTimeoutMs ?? 10_000,
      options: SESSION_OPTIONS,
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
