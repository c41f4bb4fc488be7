import type { InferKyselyDB } from '@mikro-orm/postgresql';
import type { OpportunityDatabase } from '../opportunity-row.js';
import type { SearchVocabularySchema } from './search-entity-schema.js';
import type { SearchTitlePostingSchema } from './title-postings.entity-schema.js';
import type { SearchVocabularyVariantSchema } from './vocabulary-variants.entity-schema.js';

/**
 * The tables the search reads, as Kysely sees them, inferred from the entity schemas: a renamed
 * or retyped column is a type error in the search statements.
 */
export type SearchDatabase = OpportunityDatabase &
  InferKyselyDB<typeof SearchVocabularySchema> &
  InferKyselyDB<typeof SearchVocabularyVariantSchema> &
  InferKyselyDB<typeof SearchTitlePostingSchema>;
