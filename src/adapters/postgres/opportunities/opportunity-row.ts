import type { Selectable } from 'kysely';
import { Opportunity } from '../../../domain/opportunity/opportunity.js';
import type { Coordinates, OpportunityStatus } from '../../../domain/opportunity/opportunity-rules.js';
import type { OpportunityDatabase } from '../schema/database-tables.js';
import { parsePgTimestamp } from '../sql/pg-timestamp.js';

type OpportunityTable = Selectable<OpportunityDatabase['opportunity']>;

/** The columns every read selects, in table order (never the search vector). */
export const OPPORTUNITY_COLUMNS = [
  'o.id',
  'o.title',
  'o.description',
  'o.category',
  'o.location',
  'o.latitude',
  'o.longitude',
  'o.tags',
  'o.status',
  'o.deadline',
  'o.created_by',
  'o.created_at',
  'o.updated_at',
  'o.version',
] as const;

type SelectedColumn = (typeof OPPORTUNITY_COLUMNS)[number] extends `o.${infer C}` ? C : never;

/**
 * A row as the pool returns it. Statements run on the pool MikroORM configures, which hands
 * timestamps back as PostgreSQL text rather than the Date the entity declares.
 */
export type OpportunityRow = Omit<Pick<OpportunityTable, SelectedColumn>, 'created_at' | 'updated_at'> & {
  readonly created_at: string | Date;
  readonly updated_at: string | Date;
  readonly rank?: number;
  readonly distance_key?: number | null;
};

/** Both columns or neither (opportunity_coordinates_check); `float8` arrives as a JavaScript number. */
function coordinatesOf(row: OpportunityRow): Coordinates | null {
  const { latitude, longitude } = row;
  return latitude === null || longitude === null || latitude === undefined || longitude === undefined
    ? null
    : { lat: Number(latitude), lng: Number(longitude) };
}

function toDate(value: string | Date): Date {
  return value instanceof Date ? value : parsePgTimestamp(value);
}

/**
 * Rows become domain objects directly: reads skip the ORM's hydration, identity map and unit of
 * work, which cost more than the query itself on these hot paths and buy nothing here (nothing
 * read is ever flushed back).
 */
export function opportunityFromRow(row: OpportunityRow): Opportunity {
  return Opportunity.restore({
    id: row.id,
    title: row.title,
    description: row.description,
    category: row.category,
    location: row.location ?? null,
    coordinates: coordinatesOf(row),
    tags: row.tags,
    status: row.status as OpportunityStatus,
    deadline: row.deadline ?? null,
    createdBy: row.created_by,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    version: row.version,
  });
}
