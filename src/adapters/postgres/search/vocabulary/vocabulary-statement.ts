import { type Expression, type Kysely, sql } from 'kysely';
import { type Param, prepare, type PreparedStatement } from '../../sql/prepared-statement.js';
import type { SearchDatabase } from '../../schema/database-tables.js';
import { arrayOf, CONFIG } from '../query/text-search.js';
import { PREFIX_LENGTH, prefixRangeEnd } from '../../schema/vocabulary-variants.entity-schema.js';

/** How many known words the word being typed may become: the shortest first (most likely). */
export const COMPLETIONS_MAX = 20;
/** How many near words a word may have as candidates, the nearest first. */
const NEAREST = 30;
/** The caps on what one word's corrections read (see `nearWords`). */
const MATCHED_PREFIXES = 200;
const PREFIX_WORDS = 1_000;
const EXAMINED_WORDS = 5_000;
/**
 * Corrections equally near are ordered by popularity, as a search engine's word frequencies
 * would: `pyhton` is one swap from both `python` and `phyton`, `mentr` one letter from `mentor`,
 * `ment` and `menta`, and the service tries the first three. Counting titles up to this many
 * tells a word people use from a rare one at a bounded cost.
 */
const POPULAR = 100;
/** The highest code point: `word || chr(…)` bounds every word that starts with `word`. */
const LAST_CODE_POINT = 1_114_111;

export interface VocabularyParams {
  readonly words: readonly string[];
  /** Complete it (the word being typed). */
  readonly complete: readonly boolean[];
  /** How many typos the word may hold (typo-rules.ts; 0: none, never corrected). */
  readonly typos: readonly number[];
}

interface QueryWord {
  readonly word: string;
  readonly complete: boolean;
  readonly typos: number;
}
const QUERY_WORD_COLUMNS = ['word', 'complete', 'typos'] as const;

/**
 * Vocabulary look-ups for the query's words, in one statement: whether each (accent-folded) word
 * is known; for the word being typed, the shortest known words starting with it (a range scan of
 * the vocabulary's C-collated primary key); for words that may be typos, the known words that
 * share a deletion variant with it (vocabulary-variants.entity-schema.ts). The exact typo rules,
 * with transpositions, are applied by the caller.
 */
export function vocabularyStatement(db: Kysely<SearchDatabase>): PreparedStatement<VocabularyParams> {
  return prepare<VocabularyParams>((param) => vocabularyLookUp(db, param), 'search_vocabulary');
}

/** The body of `vocabularyStatement`, also the first part of vocabulary-title-statement.ts's. */
export function vocabularyLookUp(db: Kysely<SearchDatabase>, param: Param<VocabularyParams>) {
  return db
    .selectFrom((eb) =>
      eb
        .selectFrom(
          sql<QueryWord>`unnest(${arrayOf(param('words'), 'text')}, ${arrayOf(param('complete'), 'bool')}, ${arrayOf(param('typos'), 'int4')})`.as<'t'>(
            sql`t(${sql.join(QUERY_WORD_COLUMNS.map((column) => sql.id(column)))})`,
          ),
        )
        .select(({ fn }) => [
          't.word',
          // C collation, so the completions' range scan can use the primary key.
          sql<string>`${fn('opportunity_fold', ['t.word'])} collate "C"`.as('folded'),
          't.complete',
          't.typos',
        ])
        // A fence: each word is folded once, not again in every expression that reads `folded`.
        .offset(sql.lit(0))
        .as('w'),
    )
    .select(({ eb, exists, selectFrom }) => {
      // A range of one word, which only the C-collated primary key serves: the range keeps the
      // plan on that key whatever other index the vocabulary gains (a trigram index once answered
      // `=` here, reading hundreds of pages for one word: 3.6 ms against a few µs).
      const known = exists(
        selectFrom('search_vocabulary as v')
          .select(sql.lit(1).as('found'))
          .whereRef('v.word', '>=', 'w.folded')
          .whereRef('v.word', '<=', 'w.folded'),
      );
      return [
        'w.word',
        'w.folded',
        known.as('known'),
        eb
          .case()
          .when(eb.ref('w.complete'))
          .then(
            // `array` followed by a sub-query, which Kysely parenthesises itself.
            sql<string[]>`array${selectFrom('search_vocabulary as v')
              .select('v.word')
              .where('v.word', '>=', eb.ref('w.folded'))
              .where(({ eb, fn }) =>
                eb('v.word', '<', sql<string>`${eb.ref('w.folded')} || ${fn('chr', [sql.lit(LAST_CODE_POINT)])}`),
              )
              .orderBy(({ fn }) => fn('length', ['v.word']))
              .orderBy('v.word')
              .limit(sql.lit(COMPLETIONS_MAX))}`,
          )
          .else(sql<string[]>`'{}'`)
          .end()
          .as('completions'),
        eb
          .case()
          // Not for a known word, which is never corrected.
          .when(eb.and([eb('w.typos', '>', sql.lit(0)), eb.not(known)]))
          .then(sql<string[]>`array${nearWords(db, eb.ref('w.folded'), eb.ref('w.typos'))}`)
          .else(sql<string[]>`'{}'`)
          .end()
          .as('candidates'),
      ];
    });
}

/**
 * The known words that may be `folded` with up to `typos` typos: those whose prefix shares a
 * variant with the word's prefix, each side deleting at most `typos` letters (both by primary-key
 * look-ups), then within the length and the Levenshtein distance such typos allow (a swap costs
 * two in Levenshtein's terms, so up to twice the typos): the nearest, then the most popular first.
 *
 * Bounded whatever the vocabulary holds: at most MATCHED_PREFIXES prefixes, PREFIX_WORDS words
 * of the right length per prefix and EXAMINED_WORDS words in all are read. An English vocabulary
 * stays far below (at most 504 words share a six-letter prefix among 274,000); only a vocabulary
 * flooded with words of one prefix could hide a correction behind the caps.
 */
function nearWords(db: Kysely<SearchDatabase>, folded: Expression<string>, typos: Expression<number>) {
  // In FROM, so PostgreSQL inlines the function's body into the plan.
  const keys = sql<
    string[]
  >`array(select k from search_vocabulary_variants(left(${folded}, ${sql.lit(PREFIX_LENGTH)}), ${typos}) as k)`;
  const distance = sql<number>`levenshtein_less_equal(${folded}, e.word, 2 * ${typos})`;
  const examined = db
    .selectFrom((eb) =>
      eb
        .selectFrom('search_vocabulary_variant as x')
        .select('x.prefix')
        .distinct()
        .where('x.variant', '=', sql<string>`any (${keys})`)
        .where(sql<number>`length(x.prefix) - length(x.variant)`, '<=', typos)
        .limit(sql.lit(MATCHED_PREFIXES))
        .as('p'),
    )
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('search_vocabulary as v')
          .select('v.word')
          .whereRef('v.word', '>=', 'p.prefix')
          .where('v.word', '<=', sql.raw<string>(prefixRangeEnd('"p"."prefix"')))
          .where(sql<number>`abs(length(v.word) - length(${folded}))`, '<=', typos)
          // Also a fence: joined freely, PostgreSQL expects thousands of words per prefix and scans
          // the whole vocabulary instead of a range of the primary key per prefix (400 ms).
          .limit(sql.lit(PREFIX_WORDS))
          .as('n'),
      (join) => join.onTrue(),
    )
    .select('n.word')
    .limit(sql.lit(EXAMINED_WORDS));
  return db
    .selectFrom((eb) =>
      eb
        .selectFrom(examined.as('e'))
        .select(['e.word', distance.as('distance')])
        .where(distance, '<=', sql<number>`2 * ${typos}`)
        .orderBy(distance)
        .orderBy(sql`e.word <-> ${folded}`)
        .orderBy('e.word')
        .limit(sql.lit(NEAREST))
        .as('c'),
    )
    .select('c.word')
    .orderBy('c.distance')
    .orderBy(titlesWith(db, sql.ref('c.word')), 'desc')
    .orderBy(sql`c.word <-> ${folded}`)
    .orderBy('c.word');
}

/** A word's popularity: how many titles hold its stem, counted up to POPULAR (the title postings' key). */
function titlesWith(db: Kysely<SearchDatabase>, word: Expression<string>) {
  const stem = sql<string>`(tsvector_to_array(to_tsvector(${CONFIG}, ${word})))[1] collate "C"`;
  return db
    .selectFrom((eb) =>
      eb
        .selectFrom('search_title_posting as tp')
        .select(sql.lit(1).as('one'))
        .where('tp.lexeme', '=', stem)
        .limit(sql.lit(POPULAR))
        .as('t'),
    )
    .select(sql<number>`count(*)`.as('titles'));
}
