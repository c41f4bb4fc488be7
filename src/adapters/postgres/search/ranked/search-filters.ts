import { type Expression, expressionBuilder, type Selectable, sql, type SqlBool } from 'kysely';
import type { Param } from '../../sql/prepared-statement.js';
import type { SearchDatabase } from '../../schema/database-tables.js';
import type { SearchParams } from '../query/search-parameters.js';
import type { QueriesDatabase } from './search-queries.js';
import { matches } from '../query/text-search.js';

/** What a tier reads of a row: the filters' columns and the vector, never the texts. */
export const TIER_COLUMNS = [
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
export type TierRow = Pick<Selectable<SearchDatabase['opportunity']>, TierColumn>;

/** The expressions every tier shares see a row `o` and the query's tsqueries. */
export const tierRow = expressionBuilder<QueriesDatabase & { o: TierRow }, 'o'>();
const queries = expressionBuilder<QueriesDatabase, never>();
export const ALL = queries.selectFrom('queries').select('all_q').$asScalar();
export const ALL_IN_TITLE = queries.selectFrom('queries').select('all_title_q').$asScalar();
export const SOME = queries.selectFrom('queries').select('some_q').$asScalar();
const EXCLUDED = queries.selectFrom('queries').select('excluded').$asScalar();
export const SEVERAL_CLAUSES = queries.eb(
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
export function filters(param: Param<SearchParams>): Expression<SqlBool> {
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
