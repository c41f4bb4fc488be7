import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { QueryResultRow } from 'pg';
import { type PreparedStatement, prepare } from '../../sql/prepared-statement.js';
import type { SearchDatabase } from '../../schema/database-tables.js';
import { arrayOf } from '../query/text-search.js';
import {
  type IntersectionStretchParams,
  type TitleIntersection,
  titleIntersectionQuery,
} from '../title-postings/title-intersection.js';
import {
  newestTitleTier,
  type NewestTitleMatches,
  type TitleStretchParams,
} from '../title-postings/newest-title-matches.js';
import { vocabularyLookUp, type VocabularyParams } from './vocabulary-statement.js';

/**
 * The vocabulary look-up of a query and its title tier in one statement: one round trip less for
 * most searches of one or two words, where the round trips cost the service more than the
 * statements cost PostgreSQL. The tier's words are the typed words and the completions of the
 * word being typed, so it is answered only when no word may be a typo (known words, words with
 * completions, or no near-enough known word): which near word is a correction is the domain's
 * typo rules, applied in the service, which then asks the title postings itself.
 *
 * One row per looked-up word (its columns null when no word was looked up), each carrying the
 * tier; `titled` tells whether the tier was answered here.
 */
interface VocabularyColumns extends QueryResultRow {
  readonly word: string | null;
  readonly folded: string | null;
  readonly known: boolean | null;
  readonly completions: string[] | null;
  readonly candidates: string[] | null;
  readonly titled: boolean;
}

export interface VocabularyTitleParams extends VocabularyParams, TitleStretchParams {
  /** The one clause's words as typed. */
  readonly typed: readonly string[];
}

export type VocabularyTitleRow = VocabularyColumns & NewestTitleMatches;

export interface VocabularyIntersectionParams extends VocabularyParams, IntersectionStretchParams {
  /** Each clause's words as typed. */
  readonly first: readonly string[];
  readonly second: readonly string[];
  /** Which clause has the word being typed: the completions (of that word only) join its words. */
  readonly completing: 'first' | 'second' | 'none';
}

export type VocabularyIntersectionRow = VocabularyColumns & TitleIntersection;

/**
 * No looked-up word may be a typo. One may be when it is unknown, no known word starts with it,
 * and some known word is near it: the typo rules then decide its corrections, in the service.
 */
const NO_TYPO = sql<boolean>`not exists (select from "v" where not "v"."known" and cardinality("v"."completions") = 0 and cardinality("v"."candidates") > 0)`;

/** The words as typed, with the completions when `completed`; none when a word may be a typo. */
function tierWords(typed: RawBuilder<string[]>, completed: RawBuilder<boolean>) {
  return sql<
    string[]
  >`case when ${NO_TYPO} then array(select unnest(${typed}) union all select unnest("v"."completions") from "v" where ${completed}) else '{}' end`;
}

const VOCABULARY_COLUMNS = ['v.word', 'v.folded', 'v.known', 'v.completions', 'v.candidates'] as const;

/** A one-clause query: the vocabulary and the newest title matches (newest-title-matches.ts). */
export function vocabularyTitleStatement(
  db: Kysely<SearchDatabase>,
  direction: 'forward' | 'backward',
): PreparedStatement<VocabularyTitleParams> {
  return prepare<VocabularyTitleParams>((param) => {
    const words = tierWords(arrayOf(param('typed'), 'text'), sql<boolean>`true`);
    return db
      .with('v', () => vocabularyLookUp(db, param))
      .selectFrom(newestTitleTier(db, direction, param, words).as('t'))
      .leftJoin('v', (join) => join.onTrue())
      .select([...VOCABULARY_COLUMNS, 't.total', 't.ids', 't.stretch'])
      .select(NO_TYPO.as('titled'));
  }, `search_vocabulary_title_${direction}`);
}

/** A two-clause query: the vocabulary and the title postings' intersection (title-intersection.ts). */
export function vocabularyIntersectionStatement(
  db: Kysely<SearchDatabase>,
  direction: 'forward' | 'backward',
): PreparedStatement<VocabularyIntersectionParams> {
  return prepare<VocabularyIntersectionParams>((param) => {
    const completing = sql<string>`${param('completing')}::text`;
    const clause = (name: 'first' | 'second') =>
      tierWords(arrayOf(param(name), 'text'), sql<boolean>`${completing} = ${sql.lit(name)}`);
    const tier = titleIntersectionQuery(db, direction, param, { first: clause('first'), second: clause('second') });
    return db
      .with('v', () => vocabularyLookUp(db, param))
      .selectFrom(tier.as('t'))
      .leftJoin('v', (join) => join.onTrue())
      .select([...VOCABULARY_COLUMNS, 't.fits', 't.ids', 't.inconclusive'])
      .select(NO_TYPO.as('titled'));
  }, `search_vocabulary_intersection_${direction}`);
}
