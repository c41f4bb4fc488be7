import type { Kysely } from 'kysely';
import type { QueryResultRow } from 'pg';
import type { PageRequest } from '../../../../domain/opportunity/opportunity-repository.port.js';
import type { SearchRequest } from '../../../../domain/opportunity/search/opportunity-search.port.js';
import type { SearchQuery } from '../../../../domain/opportunity/search/search-query.js';
import type { PreparedStatement } from '../../sql/prepared-statement.js';
import type { RoutedQueries } from '../../read-routing/routed-queries.js';
import type { SearchDatabase } from '../../schema/database-tables.js';
import { SCORE } from '../ranked/search-scoring.js';
import {
  type NewestTitleMatches,
  type NewestTitleMatchesParams,
  newestTitleMatches,
  type TitleStretchParams,
} from './newest-title-matches.js';
import type { SearchLimits } from '../query/search-parameters.js';
import type { TitleIntersection } from './title-intersection.js';
import { type IntersectionAsk, intersectionAsk, TitleIntersections } from './title-intersection-tier.js';
import { clauseWords, type TitleTier } from './title-tier.js';
import { type Expansions, NO_EXPANSIONS, type QueryTexts } from '../query/tsquery-text.js';

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

/** Reads the title tier's candidates from the postings, for the search statement's `titleIds` parameter. */
export class TitlePostings {
  private readonly statements: Record<'forward' | 'backward', PreparedStatement<NewestTitleMatchesParams>>;
  private readonly intersections: TitleIntersections;

  constructor(
    db: Kysely<SearchDatabase>,
    private readonly queries: RoutedQueries,
  ) {
    this.statements = { forward: newestTitleMatches(db, 'forward'), backward: newestTitleMatches(db, 'backward') };
    this.intersections = new TitleIntersections(db, queries);
  }

  /**
   * The title tier of a one- or two-clause query from the postings. One clause: its newest
   * matches, enough for the cap (for the scan budget when filters may reject some). When they fill
   * the cap and all score the same, the tier is ranked in the postings' order and no other tier has
   * candidates: the search then needs only the page's stretch of it, so a page costs its own rows,
   * not the cap's. Two clauses: title-intersection-tier.ts. `answered`: the tier as the vocabulary
   * look-up already read it for the words as typed and completed, which holds when no word was
   * corrected.
   */
  async titleTier(
    request: SearchRequest,
    expansions: Expansions,
    texts: QueryTexts,
    limits: SearchLimits,
    answered: AnsweredTier = {},
  ): Promise<TitleTier> {
    const ask = titleTierAsk(request, expansions, texts, limits);
    if (ask === null) return { ids: null };
    if ('intersection' in ask) return this.intersections.titleTier(ask.intersection, answered.intersection);
    const { title } = ask;
    const tier = answered.title !== undefined && !title.corrected ? answered.title : await this.read(request, title);
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

/** The title tier as the vocabulary look-up read it, for the words as typed and completed. */
export interface AnsweredTier {
  readonly title?: NewestTitleMatches;
  readonly intersection?: TitleIntersection;
}

/** What a query asks of the title postings (null: its title tier reads the GIN index). */
export type TitleTierAsk = { readonly title: OneClauseTier } | { readonly intersection: IntersectionAsk } | null;

/**
 * One clause: its newest title matches; two clauses without filters or exclusions: the postings'
 * intersection; anything else (three words, a phrase): nothing.
 */
function titleTierAsk(
  request: SearchRequest,
  expansions: Expansions,
  texts: Pick<QueryTexts, 'exact'>,
  limits: SearchLimits,
): TitleTierAsk {
  const { query, page } = request;
  if (query.clauses.length === 2) {
    if (isFiltered(request)) return null;
    const ask = intersectionAsk(query, page, expansions, texts, limits.titleWalk);
    return ask === null ? null : { intersection: ask };
  }
  const title = oneClauseTier(request, expansions, limits[request.mode]);
  return title === null ? null : { title };
}

/**
 * What the vocabulary look-up may read in the same statement: the title tier for the words as
 * typed and completed (right whenever no word turns out to be corrected).
 */
export function tierBeforeCorrections(request: SearchRequest, limits: SearchLimits): TitleTierAsk {
  return titleTierAsk(request, NO_EXPANSIONS, { exact: [] }, limits);
}

/** What a one-clause query asks of the title postings. */
export interface OneClauseTier {
  readonly words: string[];
  readonly corrected: boolean;
  readonly stretch: TitleStretchParams;
}

function isFiltered(request: SearchRequest): boolean {
  return (
    Object.values(request.filters).some((value) => value !== undefined) ||
    request.near !== undefined ||
    request.query.excluded.length > 0
  );
}

/** The title postings' part of a one-clause query (null: its title tier reads the GIN index). */
function oneClauseTier(
  request: SearchRequest,
  expansions: Expansions,
  limits: SearchLimits['full'],
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
