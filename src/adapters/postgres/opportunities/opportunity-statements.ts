import { type Insertable, type Kysely, sql } from 'kysely';
import type { Opportunity } from '../../../domain/opportunity/opportunity.js';
import type { OpportunityFilters, PageRequest } from '../../../domain/opportunity/opportunity-repository.port.js';
import type { OpportunityDatabase } from '../schema/database-tables.js';
import { OPPORTUNITY_COLUMNS } from './opportunity-row.js';
import { type Param, prepare, type PreparedStatement } from '../sql/prepared-statement.js';

export interface OpportunityValues {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly category: string;
  readonly location: string | null;
  readonly latitude: number | null;
  readonly longitude: number | null;
  readonly tags: string[];
  readonly status: string;
  readonly deadline: string | null;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly version: number;
}

/** The values the insert and update statements bind: the snapshot, with coordinates as two columns. */
export function opportunityValues(opportunity: Opportunity): OpportunityValues {
  const { coordinates } = opportunity;
  return {
    ...opportunity,
    latitude: coordinates?.lat ?? null,
    longitude: coordinates?.lng ?? null,
  };
}

/** Parameters of a keyset page: filters, the position to continue from, and the row count. */
export interface PageParams {
  readonly category?: string;
  readonly status?: string;
  readonly createdBy?: string;
  readonly location?: string;
  readonly tag?: string;
  readonly positionCreatedAt?: Date;
  readonly positionId?: string;
  /** One more than the page, to learn whether more rows exist. */
  readonly limit: number;
}

export type Direction = 'first' | 'after' | 'before';

export const FILTER_COLUMNS = [
  ['category', 'o.category'],
  ['status', 'o.status'],
  ['createdBy', 'o.created_by'],
] as const;

export function directionOf(page: PageRequest): Direction {
  return page.before ? 'before' : page.after ? 'after' : 'first';
}

const DIRECTIONS: Record<Direction, number> = { first: 0, after: 32, before: 64 };

/** Which filters and direction a request uses (everything that changes the SQL text), as a small number. */
export function shapeKey(filters: OpportunityFilters, direction: Direction): number {
  return (
    DIRECTIONS[direction] +
    (filters.category === undefined ? 0 : 1) +
    (filters.status === undefined ? 0 : 2) +
    (filters.createdBy === undefined ? 0 : 4) +
    (filters.location === undefined ? 0 : 8) +
    (filters.tag === undefined ? 0 : 16)
  );
}

/**
 * The statements of the opportunity table, written in Kysely typed by the entity schema and
 * compiled once (list shapes on first use, one per combination of filters and direction).
 */
export class OpportunityStatements {
  readonly findById: PreparedStatement<{ id: string }>;
  readonly insert: PreparedStatement<OpportunityValues>;
  readonly update: PreparedStatement<OpportunityValues & { expectedVersion: number }>;
  readonly remove: PreparedStatement<{ id: string }>;
  readonly removeAtVersion: PreparedStatement<{ id: string; expectedVersion: number }>;
  private readonly lists = new Map<number, PreparedStatement<PageParams>>();

  constructor(private readonly db: Kysely<OpportunityDatabase>) {
    this.findById = prepare(
      (param) => db.selectFrom('opportunity as o').select(OPPORTUNITY_COLUMNS).where('o.id', '=', param('id')),
      'opportunity_find_by_id',
    );
    this.insert = prepare<OpportunityValues>(
      (param) => db.insertInto('opportunity').values(insertedColumns(param)),
      'opportunity_insert',
    );
    this.update = prepare<OpportunityValues & { expectedVersion: number }>(
      (param) =>
        db
          .updateTable('opportunity')
          .set(revisedColumns(param))
          .where('id', '=', param('id'))
          .where('version', '=', param('expectedVersion')),
      'opportunity_update',
    );
    this.remove = prepare((param) => db.deleteFrom('opportunity').where('id', '=', param('id')), 'opportunity_delete');
    this.removeAtVersion = prepare<{ id: string; expectedVersion: number }>(
      (param) =>
        db.deleteFrom('opportunity').where('id', '=', param('id')).where('version', '=', param('expectedVersion')),
      'opportunity_delete_at_version',
    );
  }

  /**
   * A keyset page newest first: equality filters, the position as a row-value comparison (so
   * PostgreSQL walks the (…, created_at, id) index instead of skipping rows), the order, and a limit.
   */
  list(filters: OpportunityFilters, direction: Direction): PreparedStatement<PageParams> {
    const key = shapeKey(filters, direction);
    let statement = this.lists.get(key);
    if (!statement) {
      statement = prepare<PageParams>((param) => {
        let query = this.db.selectFrom('opportunity as o').select(OPPORTUNITY_COLUMNS);
        for (const [field, column] of FILTER_COLUMNS) {
          if (filters[field] !== undefined) query = query.where(column, '=', param(field) as string);
        }
        // Location ignores case and accents, tags match exactly: as the search indexes expect them.
        if (filters.location !== undefined) {
          query = query.where(({ eb, fn, val }) =>
            eb(fn('opportunity_fold', ['o.location']), '=', fn('opportunity_fold', [val(param('location'))])),
          );
        }
        if (filters.tag !== undefined) {
          query = query.where('o.tags', '@>', sql<string[]>`array[${param('tag')}::text]`);
        }
        if (direction !== 'first') {
          // Listing order is descending: "after" means smaller keys, "before" larger.
          query = query.where(({ eb, refTuple, tuple, cast, val }) =>
            eb(
              refTuple('o.created_at', 'o.id'),
              direction === 'after' ? '<' : '>',
              tuple(
                cast<Date>(val(param('positionCreatedAt')), 'timestamptz'),
                cast<string>(val(param('positionId')), 'uuid'),
              ),
            ),
          );
        }
        const order = direction === 'before' ? 'asc' : 'desc';
        return query.orderBy('o.created_at', order).orderBy('o.id', order).limit(param('limit'));
      }, `opportunity_page_${direction}`);
      this.lists.set(key, statement);
    }
    return statement;
  }
}

/** The columns an insert sets (the keyed create's insert too). */
export function insertedColumns(param: Param<OpportunityValues>) {
  return {
    id: param('id'),
    ...revisedColumns(param),
    created_by: param('createdBy'),
    created_at: param('createdAt'),
  } satisfies Insertable<OpportunityDatabase['opportunity']>;
}

/** The columns an update rewrites (an insert sets them too). */
function revisedColumns(param: Param<OpportunityValues>) {
  return {
    title: param('title'),
    description: param('description'),
    category: param('category'),
    location: param('location'),
    latitude: param('latitude'),
    longitude: param('longitude'),
    tags: param('tags'),
    status: param('status'),
    deadline: param('deadline'),
    updated_at: param('updatedAt'),
    version: param('version'),
  };
}

/** The parameters for a page request, whichever shape it uses. */
export function pageParams(filters: OpportunityFilters, page: PageRequest): PageParams {
  const position = page.before ?? page.after;
  return {
    category: filters.category,
    status: filters.status,
    createdBy: filters.createdBy,
    location: filters.location,
    tag: filters.tag,
    positionCreatedAt: position?.createdAt,
    positionId: position?.id,
    limit: page.limit + 1,
  };
}
