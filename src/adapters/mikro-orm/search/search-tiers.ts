import { type Expression, expressionBuilder, type QueryCreator, type Selectable, sql, type SqlBool } from 'kysely';
import type { Param } from '../prepared-statement.js';
import type { SearchDatabase } from './search-database.js';
import type { SearchParams } from './search-parameters.js';
import type { QueriesDatabase, WithQueries } from './search-queries.js';
import { doesNotMatch, matches, titleVector } from './text-search.js';

/**
 * The newest rows are read in time order whatever the query (an index walk of a fixed length), so
 * among equally relevant results the newest are always candidates; older rows come from the GIN
 * indexes, in table order.
 */
export const RECENT_WINDOW = 2_000;

/** What a tier reads of a row: the filters' columns and the vector, never the texts. */
const TIER_COLUMNS = [
  'o.id',
  'o.created_at',
  'o.search_vector',
  'o.category',
  'o.status',
  'o.location',
  'o.tags',
  'o.created_by',
] as const;
type TierColumn = (typeof TIER_COLUMNS)[number] extends `o.${infer C}` ? C : never;
type TierRow = Pick<Selectable<SearchDatabase['opportunity']>, TierColumn>;

/** The expressions every tier shares see a row `o` and the query's tsqueries. */
const tierRow = expressionBuilder<QueriesDatabase & { o: TierRow }, 'o'>();
const opportunityRow = expressionBuilder<QueriesDatabase & { o: SearchDatabase['opportunity'] }, 'o'>();
const queries = expressionBuilder<QueriesDatabase, never>();
const ALL = queries.selectFrom('queries').select('all_q').$asScalar();
const ALL_IN_TITLE = queries.selectFrom('queries').select('all_title_q').$asScalar();
const SOME = queries.selectFrom('queries').select('some_q').$asScalar();
const EXCLUDED = queries.selectFrom('queries').select('excluded').$asScalar();
const SEVERAL_CLAUSES = queries.eb(
  queries.selectFrom('clauses').select(({ fn }) => fn.countAll().as('count')),
  '>',
  sql.lit(1),
);

/** The request's filters, each off when its parameter is null, and the excluded words. */
function filters(param: Param<SearchParams>): Expression<SqlBool> {
  const { eb, fn, val, cast, and, or, not } = tierRow;
  const unset = (key: 'category' | 'status' | 'location' | 'tag' | 'createdBy') =>
    eb(cast(val(param(key)), 'text'), 'is', null);
  return and([
    or([unset('category'), eb('o.category', '=', param('category') as string)]),
    or([unset('status'), eb('o.status', '=', param('status') as string)]),
    or([
      unset('location'),
      eb(fn('opportunity_fold', ['o.location']), '=', fn('opportunity_fold', [val(param('location'))])),
    ]),
    or([unset('tag'), eb('o.tags', '@>', sql<string[]>`array[${param('tag')}::text]`)]),
    or([unset('createdBy'), eb('o.created_by', '=', param('createdBy') as string)]),
    or([eb(EXCLUDED, 'is', null), not(eb.parens(matches(tierRow.ref('o.search_vector'), EXCLUDED)))]),
  ]);
}

/**
 * The newest rows with the tier each belongs to, in one pass (most rows fail the first test), and
 * the oldest of them, where the index tiers take over.
 */
export function withRecent(qc: WithQueries, param: Param<SearchParams>, window: number) {
  const vector = tierRow.ref('o.search_vector');
  return qc
    .with(
      (cte) => cte('recent').materialized(),
      (creator) =>
        creator
          .selectFrom((eb) =>
            eb
              .selectFrom('opportunity as o')
              .select(TIER_COLUMNS)
              .orderBy('o.created_at', 'desc')
              .orderBy('o.id', 'desc')
              .limit(sql.lit(window))
              .as('o'),
          )
          .select(({ eb }) => [
            'o.id',
            'o.created_at',
            'o.search_vector',
            eb
              .case()
              .when(doesNotMatch(vector, SOME))
              .then(sql<number | null>`null`)
              .when(matches(vector, ALL_IN_TITLE))
              .then(sql.lit(1))
              .when(eb.val(param('titlesOnly')))
              .then(sql<number | null>`null`)
              .when(matches(vector, ALL))
              .then(sql.lit(2))
              .when(SEVERAL_CLAUSES)
              .then(sql.lit(3))
              .end()
              .as('tier'),
          ])
          .where(filters(param)),
    )
    .with('window_end', (creator) =>
      creator
        .selectFrom('opportunity as o')
        .select(['o.created_at', 'o.id'])
        .orderBy('o.created_at', 'desc')
        .orderBy('o.id', 'desc')
        .offset(sql.lit(window - 1))
        .limit(sql.lit(1)),
    );
}

type WithRecent = ReturnType<typeof withRecent>;
type TierSources = WithRecent extends QueryCreator<infer DB> ? DB : never;
const sources = expressionBuilder<TierSources, never>();

/** How a tier finds older rows through an index, and which rows an earlier tier already has. */
type Tier = 1 | 2 | 3;
function tierIndexMatch(tier: Tier, param: Param<SearchParams>): Expression<SqlBool>[] {
  const vector = opportunityRow.ref('o.search_vector');
  const notTitlesOnly = opportunityRow.not(opportunityRow.val(param('titlesOnly')));
  switch (tier) {
    case 1:
      return [matches(titleVector(opportunityRow.ref('o.title')), ALL)];
    case 2:
      return [matches(vector, ALL), notTitlesOnly, doesNotMatch(vector, ALL_IN_TITLE)];
    case 3:
      return [matches(vector, SOME), notTitlesOnly, SEVERAL_CLAUSES, doesNotMatch(vector, ALL)];
  }
}

/** A tier's rows among the newest. */
export function recentOfTier(tier: Tier, param: Param<SearchParams>) {
  return sources
    .selectFrom('recent')
    .select(['id', 'created_at', 'search_vector'])
    .where('tier', '=', sql.lit(tier))
    .limit(param('candidateCap'));
}

/**
 * A tier's older rows, through an index: at most the scan budget of index matches is read, and at
 * most the candidate cap of those passing the filters is kept.
 */
export function olderOfTier(tier: Tier, param: Param<SearchParams>) {
  return (
    sources
      .selectFrom(
        tierIndexMatch(tier, param)
          .reduce(
            (query, condition) => query.where(condition),
            sources.selectFrom('opportunity as o').select(TIER_COLUMNS),
          )
          .limit(param('scanBudget'))
          .as('o'),
      )
      .select(['o.id', 'o.created_at', 'o.search_vector'])
      // Kysely types no row comparison with a two-column sub-query; both sides are still typed.
      .where(
        ({ refTuple }) =>
          sql<SqlBool>`${refTuple('o.created_at', 'o.id')} < ${sources.selectFrom('window_end').select(['created_at', 'id'])}`,
      )
      .where(filters(param))
      .limit(param('candidateCap'))
  );
}
