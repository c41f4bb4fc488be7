import { type Kysely, sql, type SqlBool } from 'kysely';
import type { NearbyOrder, NearQuery } from '../../../domain/opportunity/nearby.js';
import type { OpportunityFilters, PageRequest } from '../../../domain/opportunity/opportunity-repository.port.js';
import type { OpportunityDatabase } from '../schema/database-tables.js';
import { type Direction, type PageParams, pageParams, shapeKey } from './opportunity-statements.js';
import { distanceKeyOf, filterConditions, nearConditions, pointOf } from './opportunity-conditions.js';
import { OPPORTUNITY_COLUMNS } from './opportunity-row.js';
import { type Param, prepare, type PreparedStatement } from '../sql/prepared-statement.js';

/** A nearby page's parameters: the page's, the point and radius, and the distance of the position. */
export interface NearPageParams extends PageParams {
  readonly lat: number;
  readonly lng: number;
  readonly radiusMetres: number;
  readonly positionDistanceKey?: number;
  readonly walk: number;
}

/**
 * "Near a point" listings, on the GiST index of `earth_position` (earthdistance's cube on a sphere
 * of radius earth() = 6378168 m). The radius is a bounding cube the index answers (`<@ earth_box`)
 * and then the exact great-circle test; the distance key is the chord `<->`, which the same index
 * walks nearest first (a k-NN scan) and which orders like the great-circle distance.
 */
export class OpportunityNearStatements {
  private readonly statements = new Map<string, PreparedStatement<NearPageParams>>();

  constructor(private readonly db: Kysely<OpportunityDatabase>) {}

  /**
   * `walk`: newest first, the newest NEAR_WALK rows passing the filters in time order, then the
   * radius (answers a dense area from a few hundred rows); `knn`: nearest first, the GiST index
   * walked by distance (`<->`) for the page's farthest row, then the rows up to that distance with
   * their ties in time order; `box`: every row within the radius from the GiST index, sorted (what
   * a sparse area or a backward page costs).
   */
  statement(
    filters: OpportunityFilters,
    order: NearbyOrder,
    direction: Direction,
    plan: NearPlan,
  ): PreparedStatement<NearPageParams> {
    const key = `${shapeKey(filters, direction)}:${order}:${plan}`;
    let statement = this.statements.get(key);
    if (!statement) {
      statement = prepare<NearPageParams>((param) => this.build(filters, order, direction, plan, param));
      this.statements.set(key, statement);
    }
    return statement;
  }

  private build(
    filters: OpportunityFilters,
    order: NearbyOrder,
    direction: Direction,
    plan: NearPlan,
    param: Param<NearPageParams>,
  ) {
    const distanceKey = distanceKeyOf(param);
    const conditions = filterConditions(filters, param);
    if (direction !== 'first') {
      // Listing order is descending in time ("after" means older) and ascending in distance.
      const newer = direction === 'after' ? '<' : '>';
      const farther = direction === 'after' ? '>' : '<';
      const position = sql`(cast(${param('positionCreatedAt')} as timestamptz), cast(${param('positionId')} as uuid))`;
      const positionKey = sql`${param('positionDistanceKey')}::float8`;
      const timeAndId = sql<SqlBool>`(o.created_at, o.id) ${sql.raw(newer)} ${position}`;
      conditions.push(
        order === 'distance'
          ? sql<SqlBool>`(${distanceKey} ${sql.raw(farther)} ${positionKey} or (${distanceKey} = ${positionKey} and ${timeAndId}))`
          : timeAndId,
      );
    }
    const newestFirst = direction === 'before' ? ('asc' as const) : ('desc' as const);
    if (plan === 'walk') {
      const walked = this.db
        .selectFrom('opportunity as o')
        .select(OPPORTUNITY_COLUMNS)
        .select('o.earth_position')
        .where(({ and }) => and(conditions))
        .orderBy('o.created_at', newestFirst)
        .orderBy('o.id', newestFirst)
        .limit(param('walk'));
      return this.db
        .selectFrom(walked.as('o'))
        .select(OPPORTUNITY_COLUMNS)
        .select(distanceKey.as('distance_key'))
        .where(({ and }) => and(nearConditions(param)))
        .orderBy('o.created_at', newestFirst)
        .orderBy('o.id', newestFirst)
        .limit(param('limit'));
    }
    const query = this.db
      .selectFrom('opportunity as o')
      .select(OPPORTUNITY_COLUMNS)
      .select(distanceKey.as('distance_key'));
    if (plan === 'knn') {
      // Only `order by <->` alone is a k-NN scan; the page's ties are then read up to its farthest row.
      const nearest = this.db
        .selectFrom('opportunity as o')
        .select(distanceKey.as('key'))
        .where(({ and }) => and([...conditions, ...nearConditions(param)]))
        .orderBy(distanceKey)
        .limit(param('limit'));
      const farthest = sql`(select max(key) from nearest)`;
      return this.db
        .with(
          (cte) => cte('nearest').materialized(),
          () => nearest,
        )
        .selectFrom('opportunity as o')
        .select(OPPORTUNITY_COLUMNS)
        .select(distanceKey.as('distance_key'))
        .where(({ and }) =>
          and([
            ...conditions,
            // One metre more: the cube's corners are computed from the great-circle distance and back.
            sql<SqlBool>`o.earth_position <@ earth_box(${pointOf(param)}, sec_to_gc(${farthest}) + 1)`,
            sql<SqlBool>`${distanceKey} <= ${farthest}`,
          ]),
        )
        .orderBy(distanceKey)
        .orderBy('o.created_at', 'desc')
        .orderBy('o.id', 'desc')
        .limit(param('limit'));
    }
    const boxed = query.where(({ and }) => and([...conditions, ...nearConditions(param)]));
    const ordered = order === 'distance' ? boxed.orderBy(distanceKey, direction === 'before' ? 'desc' : 'asc') : boxed;
    return ordered.orderBy('o.created_at', newestFirst).orderBy('o.id', newestFirst).limit(param('limit'));
  }
}

/** How many of the newest rows a newest-first page reads before it asks the GiST index instead. */
export const NEAR_WALK = 5_000;

export type NearPlan = 'walk' | 'knn' | 'box';

export function nearPageParams(
  filters: OpportunityFilters,
  near: NearQuery,
  page: PageRequest,
  walk: number = NEAR_WALK,
): NearPageParams {
  const position = page.before ?? page.after;
  return {
    ...pageParams(filters, page),
    lat: near.point.lat,
    lng: near.point.lng,
    radiusMetres: near.radiusKm * 1000,
    positionDistanceKey: position?.distanceKey,
    walk,
  };
}
