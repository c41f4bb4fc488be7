import { type Expression, expressionBuilder, sql, type SqlBool } from 'kysely';
import type { OpportunityFilters } from '../../../domain/opportunity/opportunity-repository.port.js';
import type { OpportunityDatabase } from '../schema/database-tables.js';
import type { Param } from '../sql/prepared-statement.js';
import { FILTER_COLUMNS } from './opportunity-statements.js';

/** The parameters the conditions read: the filters' and a point with its radius. */
export interface ConditionParams {
  readonly category?: string;
  readonly status?: string;
  readonly createdBy?: string;
  readonly location?: string;
  readonly tag?: string;
  readonly lat: number;
  readonly lng: number;
  readonly radiusMetres: number;
}

const row = expressionBuilder<OpportunityDatabase & { o: OpportunityDatabase['opportunity'] }, 'o'>();

/** The conditions of the filters a request sets (only those: each shape is its own statement). */
export function filterConditions<P extends ConditionParams>(
  filters: OpportunityFilters,
  param: Param<P>,
): Expression<SqlBool>[] {
  const { eb, fn, val } = row;
  const conditions: Expression<SqlBool>[] = [];
  for (const [field, column] of FILTER_COLUMNS) {
    if (filters[field] !== undefined) conditions.push(eb(column, '=', param(field) as string));
  }
  // Location ignores case and accents, tags match exactly: as the search indexes expect them.
  if (filters.location !== undefined) {
    conditions.push(eb(fn('opportunity_fold', ['o.location']), '=', fn('opportunity_fold', [val(param('location'))])));
  }
  if (filters.tag !== undefined) conditions.push(eb('o.tags', '@>', sql<string[]>`array[${param('tag')}::text]`));
  return conditions;
}

/**
 * The point, as earthdistance's `ll_to_earth`: a scalar subquery, so PostgreSQL computes it once
 * per execution (an init plan) instead of once per row where it filters rows (45 ms instead of
 * 7 ms for 5,000 rows).
 */
export const pointOf = <P extends ConditionParams>(param: Param<P>) =>
  sql`(select ll_to_earth(${param('lat')}::float8, ${param('lng')}::float8))`;

/** The chord from the point in metres: what the GiST index orders by (`<->`). */
export const distanceKeyOf = <P extends ConditionParams>(param: Param<P>) =>
  sql<number>`(o.earth_position <-> ${pointOf(param)})`;

/**
 * Within the radius: the bounding cube the GiST index answers (`<@ earth_box`), then the exact
 * great-circle test.
 */
export function nearConditions<P extends ConditionParams>(param: Param<P>): Expression<SqlBool>[] {
  const radius = sql`${param('radiusMetres')}::float8`;
  return [
    sql<SqlBool>`o.earth_position <@ (select earth_box(${pointOf(param)}, ${radius}))`,
    sql<SqlBool>`sec_to_gc(${distanceKeyOf(param)}) <= ${radius}`,
  ];
}
