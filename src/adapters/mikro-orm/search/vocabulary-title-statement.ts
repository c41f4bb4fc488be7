import { type Kysely, sql } from 'kysely';
import type { QueryResultRow } from 'pg';
import { type PreparedStatement, prepare } from '../prepared-statement.js';
import type { SearchDatabase } from './search-database.js';
import { arrayOf } from './text-search.js';
import { newestTitleTier, type TitleStretchParams } from './title-postings.js';
import { vocabularyLookUp, type VocabularyParams } from './vocabulary-statement.js';

export interface VocabularyTitleParams extends VocabularyParams, TitleStretchParams {
  /** The one clause's words as typed, whose title tier is wanted (empty: none is). */
  readonly typed: readonly string[];
}

/**
 * One row per looked-up word (its columns null when no word was looked up), each carrying the
 * title tier: `titled` tells whether the tier was answered here.
 */
export interface VocabularyTitleRow extends QueryResultRow {
  readonly word: string | null;
  readonly folded: string | null;
  readonly known: boolean | null;
  readonly completions: string[] | null;
  readonly candidates: string[] | null;
  readonly titled: boolean;
  readonly total: number;
  readonly ids: string[] | null;
  readonly stretch: string[] | null;
}

/**
 * The vocabulary look-up of a one-clause query and its title tier in one statement: one round
 * trip less for most one-word searches, where the round trips cost the service more than the
 * statements cost PostgreSQL. The tier's words are the typed words and their completions, so it
 * is answered only when no word may be a typo (known words, words with completions, or no
 * near-enough known word): which near word is a correction is the domain's typo rules, applied
 * in the service, which then asks the title postings itself (title-postings.ts).
 */
export function vocabularyTitleStatement(
  db: Kysely<SearchDatabase>,
  direction: 'forward' | 'backward',
): PreparedStatement<VocabularyTitleParams> {
  return prepare<VocabularyTitleParams>((param) => {
    const typed = arrayOf(param('typed'), 'text');
    const vocabulary = db.with('v', () => vocabularyLookUp(db, param));
    // A word that may be a typo: unknown, nothing starts with it, and some known word is near it.
    const typo = sql`select from "v" where not "v"."known" and cardinality("v"."completions") = 0 and cardinality("v"."candidates") > 0`;
    const titled = sql<boolean>`cardinality(${typed}) > 0 and not exists (${typo})`;
    const words = sql<
      string[]
    >`case when ${titled} then array(select unnest(${typed}) union all select unnest("v"."completions") from "v") else '{}' end`;
    return vocabulary
      .selectFrom(newestTitleTier(db, direction, param, words).as('t'))
      .leftJoin('v', (join) => join.onTrue())
      .select(['v.word', 'v.folded', 'v.known', 'v.completions', 'v.candidates', 't.total', 't.ids', 't.stretch'])
      .select(titled.as('titled'));
  }, `search_vocabulary_title_${direction}`);
}
