import type { InferKyselyDB } from '@mikro-orm/postgresql';
import type { GeneratedAlways } from 'kysely';
import type { IdempotencyKeySchema } from './idempotency-key.entity-schema.js';
import type { OpportunitySchema } from './opportunity.entity-schema.js';
import type { SearchVocabularySchema } from './search-vocabulary.entity-schema.js';
import type { SearchTitlePostingSchema } from './title-postings.entity-schema.js';
import type { SearchVocabularyVariantSchema } from './vocabulary-variants.entity-schema.js';

type Inferred = InferKyselyDB<typeof OpportunitySchema | typeof IdempotencyKeySchema>;

/**
 * The database as Kysely sees it, inferred from the entity schemas: a renamed or retyped column is
 * a type error. The inference does not know that PostgreSQL generates `search_vector` and
 * `earth_position`: say so, so no insert or update can name them.
 */
export interface OpportunityDatabase {
  opportunity: Omit<Inferred['opportunity'], 'search_vector' | 'earth_position'> & {
    search_vector: GeneratedAlways<Inferred['opportunity']['search_vector']>;
    earth_position: GeneratedAlways<string | null>;
  };
  idempotency_key: Inferred['idempotency_key'];
}

/** The tables the search reads besides the opportunities: its vocabulary and title postings. */
export type SearchDatabase = OpportunityDatabase &
  InferKyselyDB<typeof SearchVocabularySchema> &
  InferKyselyDB<typeof SearchVocabularyVariantSchema> &
  InferKyselyDB<typeof SearchTitlePostingSchema>;
