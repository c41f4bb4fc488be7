import type {
  OpportunityFilters,
  PagePosition,
  PageRequest,
} from '../../domain/opportunity/opportunity-repository.port.js';
import { OPPORTUNITY_COLUMNS } from './opportunity-row.js';

export interface KeysetQuery {
  readonly sql: string;
  readonly params: unknown[];
  /** True when rows come back in reverse listing order (walking backwards). */
  readonly reversed: boolean;
}

/** Each filter as a condition on its parameter (location and tag as the search indexes expect them). */
const FILTER_CONDITIONS: readonly [keyof OpportunityFilters, (param: string) => string][] = [
  ['category', (param) => `o.category = ${param}`],
  ['status', (param) => `o.status = ${param}`],
  ['createdBy', (param) => `o.created_by = ${param}`],
  ['location', (param) => `opportunity_fold(o.location) = opportunity_fold(${param})`],
  ['tag', (param) => `o.tags @> array[${param}::text]`],
];

/**
 * Builds one keyset-paginated statement over `opportunity o`: filters, the position comparison as
 * a row-value condition (so PostgreSQL walks the (…, created_at, id) index instead of skipping
 * rows), the order, and a LIMIT of one more row than the page to detect further pages. The text
 * depends only on which filters and which direction are used, so it can be a prepared statement.
 */
export function keysetQuery(spec: { filters: OpportunityFilters; page: PageRequest }): KeysetQuery {
  const { filters, page } = spec;
  const params: unknown[] = [];
  const param = (value: unknown, cast = ''): string => {
    params.push(value);
    return `$${params.length}${cast}`;
  };
  const conditions: string[] = [];
  for (const [field, condition] of FILTER_CONDITIONS) {
    const value = filters[field];
    if (value !== undefined) conditions.push(condition(param(value)));
  }

  const reversed = page.before !== undefined;
  const position: PagePosition | undefined = page.before ?? page.after;
  const keys = ['o.created_at', 'o.id'];
  if (position) {
    const values = [param(position.createdAt, '::timestamptz'), param(position.id, '::uuid')];
    // Listing order is descending on every key: "after" means smaller, "before" larger.
    conditions.push(`(${keys.join(', ')}) ${reversed ? '>' : '<'} (${values.join(', ')})`);
  }

  const direction = reversed ? 'asc' : 'desc';
  const orderBy = keys.map((key) => `${key} ${direction}`);
  const where = conditions.length > 0 ? `where ${conditions.join(' and ')}` : '';
  const limit = param(page.limit + 1);
  return {
    sql: `select ${OPPORTUNITY_COLUMNS} from opportunity o ${where} order by ${orderBy.join(', ')} limit ${limit}`,
    params,
    reversed,
  };
}
