import { type Expression, type Kysely, sql } from 'kysely';
import { type Param, type PreparedStatement, prepare } from '../../sql/prepared-statement.js';
import type { SearchDatabase } from '../../schema/database-tables.js';
import { arrayOf, titleVector } from '../query/text-search.js';

export interface NewestTitleMatchesParams {
  /** Words of one clause (as typed, completions, corrections); folded and stemmed here. */
  readonly words: string[];
  /** How many of the newest matches make the tier (the cap, or the scan budget). */
  readonly limit: number;
  /** Return only the page's stretch of the tier when the tier is full (see `TitlePostings.titleTier`). */
  readonly slice: boolean;
  /** The stretch: rows past this position (null: from the start) in the statement's direction. */
  readonly createdAt: Date | null;
  readonly id: string | null;
  /** The stretch's length (0: nothing, the position is past the tier). */
  readonly take: number;
}

export interface NewestTitleMatches {
  /** How many matches make the tier (at most the limit). */
  readonly total: number;
  /** All of them, newest first, unless a stretch was asked for and the tier is full. */
  readonly ids: string[] | null;
  /** The stretch, when one was asked for and the tier is full. */
  readonly stretch: string[] | null;
}

/**
 * The newest opportunities whose title has one of the words' lexemes: the title tier of a
 * one-clause query. Each lexeme's postings are read backwards along the primary key and stop at
 * the limit (an index-only scan of at most `limit` entries per lexeme, whatever the word's
 * frequency); the union is cut to the newest `limit`. `backward` takes the stretch before a
 * position (walking back towards the newest).
 */
export function newestTitleMatches(
  db: Kysely<SearchDatabase>,
  direction: 'forward' | 'backward',
): PreparedStatement<NewestTitleMatchesParams> {
  return prepare<NewestTitleMatchesParams>(
    (param) => newestTitleTier(db, direction, param, arrayOf(param('words'), 'text')),
    `search_title_${direction}`,
  );
}

/** The stretch of a title tier a statement returns: what `NewestTitleMatchesParams` says besides the words. */
export type TitleStretchParams = Omit<NewestTitleMatchesParams, 'words'>;

/**
 * The body of `newestTitleMatches` for words given as an expression, so that the vocabulary
 * look-up can answer the tier in the same statement (vocabulary-statement.ts).
 */
export function newestTitleTier(
  db: Kysely<SearchDatabase>,
  direction: 'forward' | 'backward',
  param: Param<TitleStretchParams>,
  words: Expression<string[]>,
) {
  const text = sql<string>`array_to_string(${words}, ' ')`;
  const lexemes = sql<string>`unnest(tsvector_to_array(${titleVector(text)}))`;
  const newest = db
    .selectFrom(lexemes.as('l'))
    .crossJoinLateral((eb) =>
      eb
        .selectFrom('search_title_posting as p')
        .select(['p.created_at', 'p.opportunity_id'])
        .whereRef('p.lexeme', '=', sql.ref('l'))
        .orderBy('p.created_at', 'desc')
        .orderBy('p.opportunity_id', 'desc')
        .limit(param('limit'))
        .as('p'),
    )
    .select(['p.opportunity_id', 'p.created_at'])
    .distinct()
    .orderBy('p.created_at', 'desc')
    .orderBy('p.opportunity_id', 'desc')
    .limit(param('limit'));
  const forward = direction === 'forward';
  const order = forward ? 'desc' : 'asc';
  return db
    .with('n', () => newest)
    .selectNoFrom((eb) => {
      const total = eb.selectFrom('n').select(eb.fn.countAll<number>().as('c'));
      const full = sql<boolean>`${param('slice')}::boolean and (${total}) >= ${param('limit')}`;
      const all = eb.selectFrom('n').select('n.opportunity_id');
      const stretch = eb
        .selectFrom('n')
        .select('n.opportunity_id')
        .where((w) => {
          const at = sql`${param('createdAt')}::timestamptz`;
          const position = sql`(${at}, ${param('id')}::uuid)`;
          const row = sql`(${w.ref('n.created_at')}, ${w.ref('n.opportunity_id')})`;
          const past = sql<boolean>`${row} ${sql.raw(forward ? '<' : '>')} ${position}`;
          return w.or([w(at, 'is', null), past]);
        })
        .orderBy('n.created_at', order)
        .orderBy('n.opportunity_id', order)
        .limit(param('take'));
      return [
        sql<number>`${total}::int`.as('total'),
        sql<string[] | null>`case when ${full} then null else array(${all}) end`.as('ids'),
        sql<string[] | null>`case when ${full} then array(${stretch}) end`.as('stretch'),
      ];
    });
}
