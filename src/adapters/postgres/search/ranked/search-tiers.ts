import {
  type Expression,
  expressionBuilder,
  type QueryCreator,
  type RawBuilder,
  type Selectable,
  sql,
  type SqlBool,
} from 'kysely';
import type { Param } from '../../sql/prepared-statement.js';
import type { SearchDatabase } from '../../schema/database-tables.js';
import type { SearchParams } from '../query/search-parameters.js';
import type { QueriesDatabase, WithQueries } from './search-queries.js';
import { doesNotMatch, matches, titleVector } from '../query/text-search.js';

/**
 * When the tiers overflow the cap, the newest rows are read in time order (an index walk of a
 * fixed length), so among equally relevant results the newest are candidates; older rows come from
 * the indexes (the GIN indexes in table order, the title postings newest first).
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
  'o.earth_position',
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

/** The point of a search near one (null without). */
export const nearPoint = (param: Param<SearchParams>) =>
  sql`(select ll_to_earth(${param('nearLat')}::float8, ${param('nearLng')}::float8))`;

/**
 * Within the radius: the bounding cube, then the exact great-circle test (as the nearby listing).
 * A filter on the tiers' bounded candidates, like the others: it reorders nothing.
 */
function withinRadius(param: Param<SearchParams>): Expression<SqlBool> {
  const radius = sql`${param('nearRadiusMetres')}::float8`;
  return sql<SqlBool>`(o.earth_position <@ (select earth_box(${nearPoint(param)}, ${radius})) and sec_to_gc(o.earth_position <-> ${nearPoint(param)}) <= ${radius})`;
}

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
    or([eb(cast(val(param('nearRadiusMetres')), 'float8'), 'is', null), withinRadius(param)]),
    or([eb(EXCLUDED, 'is', null), not(eb.parens(matches(tierRow.ref('o.search_vector'), EXCLUDED)))]),
  ]);
}

/**
 * The newest rows with the tier each belongs to, in one pass (most rows fail the first test), and
 * the oldest of them, where the index tiers take over. Only rows of some tier are kept: a window of
 * 2,000 vectors held in the CTE cost ~1.8 MB per execution, which PostgreSQL's allocator handed
 * back to the kernel after each one and faulted in again on the next (~450 page faults, 2× the
 * statement's CPU for two-word queries; measured in bench/README.md).
 */
export function withRecent(qc: WithQueries, param: Param<SearchParams>, window: number) {
  const vector = tierRow.ref('o.search_vector');
  return qc
    .with(
      (cte) => cte('recent').materialized(),
      (creator) =>
        creator
          .selectFrom((outer) =>
            outer
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
              .where(filters(param))
              .as('r'),
          )
          .selectAll('r')
          .where('r.tier', 'is not', null),
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

/** How a tier finds its rows through an index, and which rows an earlier tier already has. */
type Tier = 1 | 2 | 3;
function tierIndexMatch(tier: Tier, param: Param<SearchParams>): Expression<SqlBool>[] {
  const vector = opportunityRow.ref('o.search_vector');
  const notTitlesOnly = opportunityRow.not(opportunityRow.val(param('titlesOnly')));
  switch (tier) {
    case 1:
      return [titleIdsUnset(param), matches(titleVector(opportunityRow.ref('o.title')), ALL)];
    case 2:
      return [matches(vector, ALL), notTitlesOnly, doesNotMatch(vector, ALL_IN_TITLE)];
    case 3:
      return [matches(vector, SOME), notTitlesOnly, SEVERAL_CLAUSES, doesNotMatch(vector, ALL)];
  }
}

const titleIds = (param: Param<SearchParams>) => sql<string[] | null>`${param('titleIds')}::uuid[]`;
/** No ids from the title postings: the title tier reads the GIN title index. */
const titleIdsUnset = (param: Param<SearchParams>) => opportunityRow.eb(titleIds(param), 'is', null);

/**
 * The title tier from the title postings, in their order (newest first), rechecked on the row. The
 * lateral look-up (its LIMIT keeps it from being flattened into a join) walks the ids in order, so
 * the filters' LIMIT keeps the newest.
 */
function fromTitlePostings(param: Param<SearchParams>) {
  return sources
    .selectFrom(sql<{ id: string }>`unnest(${titleIds(param)})`.as<'t'>(sql`t(id)`))
    .crossJoinLateral((eb) =>
      eb.selectFrom('opportunity as o').select(TIER_COLUMNS).whereRef('o.id', '=', 't.id').limit(sql.lit(1)).as('o'),
    )
    .selectAll('o')
    .where(({ ref }) => matches(ref('o.search_vector'), ALL_IN_TITLE))
    .limit(param('scanBudget'));
}

/**
 * Every match of a tier (the title postings' or an index's), at most the scan budget of them read
 * and the candidate cap of them kept: materialised, so the overflow test counts what the tier uses.
 */
export function allOfTier(tier: Tier, param: Param<SearchParams>) {
  const fromIndex = tierIndexMatch(tier, param).reduce(
    (query, condition) => query.where(condition),
    sources.selectFrom('opportunity as o').select(TIER_COLUMNS),
  );
  // Of the title tier's two sources only one is on: the postings' ids, or the index when there are none.
  const matching =
    tier === 1 ? fromIndex.unionAll(sources.selectFrom(fromTitlePostings(param).as('p')).selectAll('p')) : fromIndex;
  return sources
    .selectFrom(matching.limit(param('scanBudget')).as('o'))
    .select(['o.id', 'o.created_at', 'o.search_vector'])
    .where(filters(param))
    .limit(param('candidateCap'));
}

interface TierRowsDatabase {
  tier1_all: TierCandidate;
  tier2_all: TierCandidate;
  tier3_all: TierCandidate;
  overflow1: { yes: SqlBool };
  overflow2: { yes: SqlBool };
  overflow3: { yes: SqlBool };
}
type TierCandidate = Pick<TierRow, 'id' | 'created_at' | 'search_vector'>;
const staged = expressionBuilder<TierSources & TierRowsDatabase, never>();
const allName = (tier: Tier) => `tier${tier}_all` as const;
const overflowName = (tier: Tier) => `overflow${tier}` as const;

/**
 * Whether the tiers up to this one overflow the cap. Only then are a tier's rows among the newest
 * taken first: otherwise every match is a candidate anyway and the recent window is never read (a
 * rare word costs its few index matches, not the window's rows). Title postings come newest first:
 * no window for them.
 */
export function overflowOf(tier: Tier, param: Param<SearchParams>): RawBuilder<SqlBool> {
  const tiers = ([1, 2, 3] as const).filter((earlier) => earlier <= tier);
  const counted = tiers
    .map((earlier) =>
      staged
        .selectFrom(allName(earlier))
        .select(({ fn }) => fn.countAll<number>().as('n'))
        .$asScalar(),
    )
    .reduce<Expression<number>>((sum, count) => staged.eb(sum, '+', count), sql.lit(0));
  const overflows = staged.eb(counted, '>=', param('candidateCap'));
  const condition = tier === 1 ? staged.and([staged.eb(titleIds(param), 'is', null), overflows]) : overflows;
  return sql<SqlBool>`${condition}`;
}

const overflowed = (tier: Tier) => staged.selectFrom(overflowName(tier)).select('yes').$asScalar();

/** A tier's rows among the newest, when the tiers overflow. */
export function recentOfTier(tier: Tier, param: Param<SearchParams>) {
  return staged
    .selectFrom('recent')
    .select(['id', 'created_at', 'search_vector'])
    .where('tier', '=', sql.lit(tier))
    .where(overflowed(tier))
    .limit(param('candidateCap'));
}

/** A tier's rows: all of them, or, when the tiers overflow, those older than the recent window. */
export function olderOfTier(tier: Tier) {
  return (
    staged
      .selectFrom(allName(tier))
      .select(['id', 'created_at', 'search_vector'])
      // Kysely types no row comparison with a two-column sub-query; both sides are still typed.
      .where(({ eb, not, or, refTuple }) =>
        or([
          not(eb.parens(overflowed(tier))),
          sql<SqlBool>`${refTuple('created_at', 'id')} < ${staged.selectFrom('window_end').select(['created_at', 'id'])}`,
        ]),
      )
  );
}
