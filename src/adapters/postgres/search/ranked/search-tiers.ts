import { type Expression, expressionBuilder, type QueryCreator, type RawBuilder, sql, type SqlBool } from 'kysely';
import type { Param } from '../../sql/prepared-statement.js';
import type { SearchDatabase } from '../../schema/database-tables.js';
import type { SearchParams } from '../query/search-parameters.js';
import type { QueriesDatabase } from './search-queries.js';
import { doesNotMatch, matches, titleVector } from '../query/text-search.js';
import { walked, type WalkedTier, type withWalks } from './search-walk.js';
import {
  ALL,
  ALL_IN_TITLE,
  filters,
  SEVERAL_CLAUSES,
  SOME,
  TIER_COLUMNS,
  type TierRow,
  tierRow,
} from './search-filters.js';

/**
 * When the tiers overflow the cap, the newest rows are read in time order (an index walk of a
 * fixed length), so among equally relevant results the newest are candidates; older rows come from
 * the indexes (the GIN indexes in table order, the title postings newest first).
 */
export const RECENT_WINDOW = 2_000;

const opportunityRow = expressionBuilder<QueriesDatabase & { o: SearchDatabase['opportunity'] }, 'o'>();

/** The newest rows in time order (the created_at index), at most `count` (a literal: planned as such). */
const newestRows = (count: number) =>
  tierRow
    .selectFrom('opportunity as o')
    .select(TIER_COLUMNS)
    .orderBy('o.created_at', 'desc')
    .orderBy('o.id', 'desc')
    .limit(sql.lit(count))
    .as('o');

/**
 * The newest rows with the tier each belongs to, in one pass (most rows fail the first test), and
 * the oldest of them, where the index tiers take over. Only rows of some tier are kept: a window of
 * 2,000 vectors held in the CTE cost ~1.8 MB per execution, which PostgreSQL's allocator handed
 * back to the kernel after each one and faulted in again on the next (~450 page faults, 2× the
 * statement's CPU for two-word queries; measured in bench/README.md).
 */
export function withRecent(qc: ReturnType<typeof withWalks>, param: Param<SearchParams>, window: number) {
  const vector = tierRow.ref('o.search_vector');
  return qc
    .with(
      (cte) => cte('recent').materialized(),
      (creator) =>
        creator
          .selectFrom((outer) =>
            outer
              .selectFrom(newestRows(window))
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
type Tier = 1 | WalkedTier;
function tierIndexMatch(tier: Tier, param: Param<SearchParams>): Expression<SqlBool>[] {
  if (tier === 1) return [titleIdsUnset(param), matches(titleVector(opportunityRow.ref('o.title')), ALL)];
  return [...tierVectorMatch(tier, param), tierRow.not(walked(tier))];
}

/** Tiers 2 and 3 test only the vector: the same conditions on an index's rows and on walked ones. */
function tierVectorMatch(tier: WalkedTier, param: Param<SearchParams>): Expression<SqlBool>[] {
  const vector = tierRow.ref('o.search_vector');
  const notTitlesOnly = tierRow.not(tierRow.val(param('titlesOnly')));
  return tier === 2
    ? [matches(vector, ALL), notTitlesOnly, doesNotMatch(vector, ALL_IN_TITLE)]
    : [matches(vector, SOME), notTitlesOnly, SEVERAL_CLAUSES, doesNotMatch(vector, ALL)];
}

/**
 * A tier whose words are common, read by walking the newest rows in time order (the created_at
 * index) instead of its GIN index, when search-walk.ts estimates that cheaper: at most `walkRows`
 * rows, stopping once the filters' LIMIT has its candidates. Its rows come newest first, so no
 * recent window applies to it.
 */
function walkedRows(tier: WalkedTier, walkRows: number) {
  return (param: Param<SearchParams>) =>
    [walked(tier), ...tierVectorMatch(tier, param)].reduce(
      (query, condition) => query.where(condition),
      sources.selectFrom(newestRows(walkRows)).selectAll('o'),
    );
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
export function allOfTier(tier: Tier, param: Param<SearchParams>, walkRows: number) {
  const fromIndex = tierIndexMatch(tier, param).reduce(
    (query, condition) => query.where(condition),
    sources.selectFrom('opportunity as o').select(TIER_COLUMNS),
  );
  // Of each tier's two sources only one is on: for the title tier the postings' ids, or the index
  // when there are none; for the others the walk of the newest rows, or the index.
  const other =
    tier === 1
      ? sources.selectFrom(fromTitlePostings(param).as('p'))
      : sources.selectFrom(walkedRows(tier, walkRows)(param).as('p'));
  const matching = fromIndex.unionAll(other.selectAll('p'));
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
  // Title postings and walked rows come newest first: no recent window for them.
  const condition =
    tier === 1
      ? staged.and([staged.eb(titleIds(param), 'is', null), overflows])
      : staged.and([staged.not(walked(tier)), overflows]);
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
