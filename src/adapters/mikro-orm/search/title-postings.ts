import { type Expression, type Kysely, sql } from 'kysely';
import type { QueryResultRow } from 'pg';
import type { PageRequest } from '../../../domain/opportunity/opportunity-repository.port.js';
import type { SearchRequest } from '../../../domain/opportunity/search/opportunity-search.port.js';
import type { SearchQuery } from '../../../domain/opportunity/search/search-query.js';
import { type Param, type PreparedStatement, prepare } from '../prepared-statement.js';
import type { RoutedQueries } from '../routed-queries.js';
import type { SearchDatabase } from './search-database.js';
import { SCORE } from './search-scoring.js';
import { arrayOf, titleVector } from './text-search.js';
import { TitleIntersections } from './title-intersection-tier.js';
import { clauseWords, type TitleTier } from './title-tier.js';
import type { Expansions, QueryTexts } from './tsquery-text.js';

export interface NewestTitleMatchesParams {
  /** Words of one clause (as typed, completions, corrections); folded and stemmed here. */
  readonly words: string[];
  /** How many of the newest matches make the tier (the cap, or the scan budget). */
  readonly limit: number;
  /** Return only the page's stretch of the tier when the tier is full (see `titleTier`). */
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

/**
 * The words whose title postings answer the title tier of a one-clause query, or null when the
 * postings cannot: a phrase needs adjacency; two clauses are title-intersection.ts's. `corrected`:
 * some words are typo corrections, which score lower than the words typed.
 */
export function titlePostingWords(
  query: SearchQuery,
  expansions: Expansions,
): { words: string[]; corrected: boolean } | null {
  const [clause, ...others] = query.clauses;
  if (clause === undefined || others.length > 0) return null;
  return clauseWords(clause, expansions);
}

/** Every title match of a one-clause query without corrections scores this (see SCORE). */
export const TITLE_TIER_SCORE = SCORE.clause + SCORE.title;

/**
 * Where a page's stretch of a full title tier starts, walking in the page's direction: after (or
 * before) its position, from the start when there is none, and one row more than the page to tell
 * whether more follow. A full tier is every candidate, all scoring TITLE_TIER_SCORE: a position of
 * a lower rank lies past its end, one of a higher rank before its start.
 */
export function stretchOf(page: PageRequest): Pick<NewestTitleMatchesParams, 'createdAt' | 'id' | 'take'> {
  const position = page.after ?? page.before;
  const take = page.limit + 1;
  const fromStart = { createdAt: null, id: null, take };
  if (position === undefined) return fromStart;
  const rank = position.rank ?? TITLE_TIER_SCORE;
  if (rank === TITLE_TIER_SCORE) return { createdAt: position.createdAt, id: position.id, take };
  const towardsTier = page.before ? rank < TITLE_TIER_SCORE : rank > TITLE_TIER_SCORE;
  return towardsTier ? fromStart : { ...fromStart, take: 0 };
}

/** Reads the title tier's candidates from the postings for the search statement's `$21`. */
export class TitlePostings {
  private readonly statements: Record<'forward' | 'backward', PreparedStatement<NewestTitleMatchesParams>>;
  private readonly intersections: TitleIntersections;

  constructor(
    db: Kysely<SearchDatabase>,
    private readonly queries: RoutedQueries,
    titleWalk: number,
  ) {
    this.statements = { forward: newestTitleMatches(db, 'forward'), backward: newestTitleMatches(db, 'backward') };
    this.intersections = new TitleIntersections(db, queries, titleWalk);
  }

  /**
   * The title tier of a one-clause query: its newest matches, enough for the cap (for the scan
   * budget when filters may reject some). When they fill the cap and all score the same, the tier
   * is ranked in the postings' order and no other tier has candidates: the search then needs only
   * the page's stretch of it, so a page costs its own rows, not the cap's. `answered`: the tier as
   * the vocabulary look-up already read it for the words as typed and completed, which holds when
   * no word was corrected.
   */
  async titleTier(
    request: SearchRequest,
    expansions: Expansions,
    texts: QueryTexts,
    limits: SearchModeLimits,
    answered?: NewestTitleMatches,
  ): Promise<TitleTier> {
    if (request.query.clauses.length === 2) {
      const filtered = isFiltered(request);
      return filtered ? { ids: null } : this.intersections.titleTier(request.query, request.page, expansions, texts);
    }
    const asked = oneClauseTier(request, expansions, limits);
    if (asked === null) return { ids: null };
    const tier = answered !== undefined && !asked.corrected ? answered : await this.read(request, asked);
    if (tier?.stretch) return { ids: tier.stretch, cap: tier.stretch.length };
    return { ids: tier?.ids ?? [] };
  }

  private async read(request: SearchRequest, asked: OneClauseTier): Promise<NewestTitleMatches | undefined> {
    const { name, text, values } = this.statements[request.page.before ? 'backward' : 'forward'];
    const [tier] = await this.queries.read<NewestTitleMatches & QueryResultRow>({
      name,
      text,
      values: values({ words: asked.words, ...asked.stretch }),
    });
    return tier;
  }
}

export interface SearchModeLimits {
  readonly candidates: number;
  readonly scanBudget: number;
}

/** What a one-clause query asks of the title postings. */
export interface OneClauseTier {
  readonly words: string[];
  readonly corrected: boolean;
  readonly stretch: TitleStretchParams;
}

function isFiltered(request: SearchRequest): boolean {
  return Object.values(request.filters).some((value) => value !== undefined) || request.query.excluded.length > 0;
}

/** The title postings' part of a one-clause query (null: its title tier reads the GIN index). */
export function oneClauseTier(
  request: SearchRequest,
  expansions: Expansions,
  limits: SearchModeLimits,
): OneClauseTier | null {
  const clause = titlePostingWords(request.query, expansions);
  if (clause === null) return null;
  const filtered = isFiltered(request);
  return {
    ...clause,
    stretch: {
      limit: filtered ? limits.scanBudget : limits.candidates,
      slice: !filtered && !clause.corrected,
      ...stretchOf(request.page),
    },
  };
}
