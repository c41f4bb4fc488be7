import { defineEntity, p } from '@mikro-orm/core';

/**
 * The search's schema objects as MikroORM describes them, so schema comparisons know them. They
 * are created by the hand-written migration 20261201 (text search configurations, functions and
 * the vocabulary trigger are beyond the schema generator).
 */
export const SEARCH_INDEXES = [
  {
    name: 'opportunity_search_idx',
    expression: 'create index opportunity_search_idx on opportunity using gin (search_vector)',
  },
  {
    name: 'opportunity_search_title_idx',
    expression: `create index opportunity_search_title_idx on opportunity
      using gin (to_tsvector('opportunity_search'::regconfig, title))`,
  },
  {
    name: 'opportunity_location_created_idx',
    expression: `create index opportunity_location_created_idx on opportunity
      (opportunity_fold(location), created_at desc, id desc)`,
  },
  { name: 'opportunity_tags_idx', expression: 'create index opportunity_tags_idx on opportunity using gin (tags)' },
];

/** Known words (accent-folded, lower-case), for completions and typo corrections; kept by a trigger. */
export const SearchVocabularySchema = defineEntity({
  name: 'SearchVocabulary',
  tableName: 'search_vocabulary',
  properties: {
    word: p.string().primary().columnType('text').collation('C'),
  },
  indexes: [
    {
      name: 'search_vocabulary_trgm_idx',
      expression: 'create index search_vocabulary_trgm_idx on search_vocabulary using gist (word gist_trgm_ops)',
    },
  ],
});
