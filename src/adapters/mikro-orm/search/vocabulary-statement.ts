import { type Kysely, sql } from 'kysely';
import { type Param, prepare, type PreparedStatement } from '../prepared-statement.js';
import type { SearchDatabase } from './search-database.js';
import { arrayOf } from './text-search.js';

/** How many known words the word being typed may become: the shortest first (most likely). */
export const COMPLETIONS_MAX = 20;
/** How many nearest words by trigram distance are checked against the edit distance. */
const NEAREST = 30;
/** The edit distance the typo rules allow at most (the caller applies the exact rules). */
const EDITS = 3;
/** The highest code point: `word || chr(…)` bounds every word that starts with `word`. */
const LAST_CODE_POINT = 1_114_111;

export interface VocabularyParams {
  readonly words: readonly string[];
  /** Complete it (the word being typed). */
  readonly complete: readonly boolean[];
  /** Look for corrections. */
  readonly correct: readonly boolean[];
}

interface QueryWord {
  readonly word: string;
  readonly complete: boolean;
  readonly correct: boolean;
}
const QUERY_WORD_COLUMNS = ['word', 'complete', 'correct'] as const;

/**
 * Vocabulary look-ups for the query's words, in one statement: whether each (accent-folded) word
 * is known; for the word being typed, the shortest known words starting with it (a range scan of
 * the vocabulary's C-collated primary key); for words that may be typos, the nearest known words
 * by trigram distance (the GiST index answers without scanning the vocabulary) that are within
 * three edits. The exact typo rules, with transpositions, are applied by the caller.
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
          sql<QueryWord>`unnest(${arrayOf(param('words'), 'text')}, ${arrayOf(param('complete'), 'bool')}, ${arrayOf(param('correct'), 'bool')})`.as<'t'>(
            sql`t(${sql.join(QUERY_WORD_COLUMNS.map((column) => sql.id(column)))})`,
          ),
        )
        .select(({ fn }) => [
          't.word',
          // C collation, so the completions' range scan can use the primary key.
          sql<string>`${fn('opportunity_fold', ['t.word'])} collate "C"`.as('folded'),
          't.complete',
          't.correct',
        ])
        .as('w'),
    )
    .select(({ eb, exists, selectFrom }) => {
      // A range of one word, which only the C-collated primary key serves: for `=` PostgreSQL may
      // pick the trigram index (its operator class has equality too, at a similar estimated cost),
      // which reads hundreds of pages for one word once the vocabulary holds a few hundred thousand
      // words (3.6 ms against a few µs).
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
          // Not for a known word, which is never corrected (the nearest-neighbour search is most of a look-up's cost).
          .when(eb.and([eb.ref('w.correct'), eb.not(known)]))
          .then(
            sql<string[]>`array${selectFrom(
              selectFrom('search_vocabulary as v')
                .select('v.word')
                .orderBy(({ eb }) => eb('v.word', '<->', eb.ref('w.folded')))
                .limit(sql.lit(NEAREST))
                .as('k'),
            )
              .select('k.word')
              .where(({ eb, fn }) =>
                eb(fn('levenshtein_less_equal', ['w.folded', 'k.word', sql.lit(EDITS)]), '<=', sql.lit(EDITS)),
              )}`,
          )
          .else(sql<string[]>`'{}'`)
          .end()
          .as('candidates'),
      ];
    });
}
