import { defineEntity, p, Routine } from '@mikro-orm/core';
import { VOCABULARY_VARIANT_TRIGGERS } from './vocabulary-variants.entity-schema.js';

/**
 * The search's schema objects as MikroORM describes them, so schema comparisons know them. They
 * are created by the hand-written migration 20261201 (text search configurations, functions and
 * the vocabulary trigger are beyond the schema generator).
 */
/**
 * Besides the GIN index on `search_vector`, which the opportunity schema declares. The GIN indexes
 * run without fast update (migration 20261202010500): a pending list would be read by every search.
 */
export const SEARCH_INDEXES = [
  {
    name: 'opportunity_search_title_idx',
    expression: `create index opportunity_search_title_idx on opportunity
      using gin (to_tsvector('opportunity_search'::regconfig, title)) with (fastupdate = off)`,
  },
  {
    name: 'opportunity_location_created_idx',
    expression: `create index opportunity_location_created_idx on opportunity
      (opportunity_fold(location), created_at desc, id desc)`,
  },
  {
    name: 'opportunity_tags_idx',
    expression: 'create index opportunity_tags_idx on opportunity using gin (tags) with (fastupdate = off)',
  },
];

/**
 * Keeps the vocabulary current on every write. Declared by its DDL: its function predates
 * MikroORM's `<table>_<trigger>_fn` naming, and the schema diff then compares the trigger by name.
 */
export const SEARCH_TRIGGERS = [
  {
    name: 'opportunity_vocabulary_collect',
    timing: 'after' as const,
    events: ['insert' as const, 'update' as const],
    expression: `create trigger opportunity_vocabulary_collect
      after insert or update of title, description, tags on opportunity
      for each row execute function opportunity_vocabulary_collect()`,
  },
];

/**
 * `unaccent()` is only STABLE (its dictionary could change); naming the dictionary makes this
 * wrapper safe to declare IMMUTABLE, so location filters and their index can use it.
 */
export const OpportunityFold = new Routine({
  name: 'opportunity_fold',
  type: 'function',
  language: 'sql',
  deterministic: true,
  params: { value: { type: 'text' } },
  returns: { runtimeType: 'string', columnType: 'text' },
  body: `select lower(public.unaccent('public.unaccent'::regdictionary, value))`,
});

/** The words of a row that typo correction and completions know: 2–40 letters, folded, unstemmed. */
export const OpportunityVocabularyWords = new Routine({
  name: 'opportunity_vocabulary_words',
  type: 'function',
  language: 'sql',
  deterministic: true,
  params: { title: { type: 'text' }, tags: { type: 'text[]' }, description: { type: 'text' } },
  returns: { runtimeType: 'string', columnType: 'setof text' },
  body: `select w from unnest(tsvector_to_array(to_tsvector('opportunity_words'::regconfig,
          title || ' ' || opportunity_tags_text(tags) || ' ' || description))) as w
        where length(w) between 2 and 40 and w ~ '^[[:alpha:]]+$'`,
});

/**
 * Known words (accent-folded, lower-case), for completions (a range of the C-collated primary key)
 * and typo corrections (through search_vocabulary_variant, which its trigger keeps); filled by the
 * opportunity trigger.
 */
export const SearchVocabularySchema = defineEntity({
  name: 'SearchVocabulary',
  tableName: 'search_vocabulary',
  properties: {
    word: p.string().primary().columnType('text').collation('C'),
  },
  triggers: VOCABULARY_VARIANT_TRIGGERS,
});
