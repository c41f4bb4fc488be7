import { Opportunity } from '../../domain/opportunity/opportunity.js';
import type { OpportunityStatus } from '../../domain/opportunity/opportunity-rules.js';

/** The columns every read selects, in table order (never the search vector). */
export const OPPORTUNITY_COLUMNS =
  'o.id, o.title, o.description, o.category, o.location, o.tags, o.status, o.deadline, o.created_by, o.created_at, o.updated_at, o.version';

export interface OpportunityRow {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly category: string;
  readonly location: string | null;
  readonly tags: string[];
  readonly status: string;
  readonly deadline: string | null;
  readonly created_by: string;
  readonly created_at: string | Date;
  readonly updated_at: string | Date;
  readonly version: number;
  readonly rank?: number;
}

/**
 * The pool MikroORM configures returns timestamps as PostgreSQL text, e.g.
 * `2026-11-24 05:51:51.083+00` (offset in the session time zone): make it ISO-8601.
 */
function toDate(value: string | Date): Date {
  if (value instanceof Date) return value;
  const iso = value.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00');
  return new Date(iso);
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
    location: row.location,
    tags: row.tags,
    status: row.status as OpportunityStatus,
    deadline: row.deadline,
    createdBy: row.created_by,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    version: row.version,
  });
}
