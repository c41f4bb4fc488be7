import { type Kysely, sql, type SqlBool } from 'kysely';
import type { NearbyOrder, NearQuery } from '../../../domain/opportunity/nearby.js';
import type { OpportunityFilters, PageRequest } from '../../../domain/opportunity/opportunity-repository.port.js';
import type { OpportunityDatabase } from '../schema/database-tables.js';
import { type Direction, type PageParams, pageParams, shapeKey } from './opportunity-statements.js';
import { distanceKeyOf, filterConditions, nearConditions } from './opportunity-conditions.js';
import { OPPORTUNITY_COLUMNS } from './opportunity-row.js';
import { type Param, prepare, type PreparedStatement } from '../sql/prepared-statement.js';

/** A nearby page's parameters: the page's, the point and radius, and the distance of the position. */
export interface NearPageParams extends PageParams {
  readonly lat: number;
  readonly lng: number;
  readonly radiusMetres: number;
  readonly positionDistanceKey?: number;
}

/**
 * "Near a point" listings, on the GiST index of `earth_position` (earthdistance's cube on a sphere
 * of radius earth() = 6378168 m). The radius is a bounding cube the index answers (`<@ earth_box`)
 * and then the exact great-circle test; the distance key is the chord `<->`, which the same index
 * walks nearest first (a k-NN scan) and which orders like the great-circle distance.
 */
export class OpportunityNearStatements {
  private readonly statements = new Map<number, PreparedStatement<NearPageParams>>();

  constructor(private readonly db: Kysely<OpportunityDatabase>) {}

  statement(filters: OpportunityFilters, order: NearbyOrder, direction: Direction): PreparedStatement<NearPageParams> {
    const key = shapeKey(filters, direction) + (order === 'distance' ? 128 : 0);
    let statement = this.statements.get(key);
    if (!statement) {
      statement = prepare<NearPageParams>((param) => this.build(filters, order, direction, param));
      this.statements.set(key, statement);
    }
    return statement;
  }

  private build(filters: OpportunityFilters, order: NearbyOrder, direction: Direction, param: Param<NearPageParams>) {
    const distanceKey = distanceKeyOf(param);
    const conditions = [...filterConditions(filters, param), ...nearConditions(param)];
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
    let query = this.db
      .selectFrom('opportunity as o')
      .select(OPPORTUNITY_COLUMNS)
      .select(distanceKey.as('distance_key'))
      .where(({ and }) => and(conditions));
    if (order === 'distance') query = query.orderBy(distanceKey, direction === 'before' ? 'desc' : 'asc');
    return query.orderBy('o.created_at', newestFirst).orderBy('o.id', newestFirst).limit(param('limit'));
  }
}

export function nearPageParams(filters: OpportunityFilters, near: NearQuery, page: PageRequest): NearPageParams {
  const position = page.before ?? page.after;
  return {
    ...pageParams(filters, page),
    lat: near.point.lat,
    lng: near.point.lng,
    radiusMetres: near.radiusKm * 1000,
    positionDistanceKey: position?.distanceKey,
  };
}
