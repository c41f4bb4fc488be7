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

const FILTER_COLUMNS: readonly [keyof OpportunityFilters, string][] = [
  ['category', 'o.category'],
  ['status', 'o.status'],
  ['createdBy', 'o.created_by'],
];

/**
 * Builds one keyset-paginated statement over `opportunity o`: filters, the position comparison as
 * a row-value condition (so PostgreSQL walks the (…, created_at, id) index instead of skipping
 * rows), the order, and a LIMIT of one more row than the page to detect further pages. The text
 * depends only on which filters and which direction are used, so it can be a prepared statement.
 */
export function keysetQuery(spec: { filters: OpportunityFilters; page: PageRequest; search?: string }): KeysetQuery {
  const { filters, page, search } = spec;
  const params: unknown[] = [];
  const param = (value: unknown, cast = ''): string => {
    params.push(value);
    return `$${params.length}${cast}`;
  };
  const conditions: string[] = [];
  let rank = '';
  if (search !== undefined) {
    const query = `websearch_to_tsquery('english', ${param(search)})`;
    rank = `ts_rank(o.search_vector, ${query})::float4`;
    conditions.push(`o.search_vector @@ ${query}`);
  }
  for (const [field, column] of FILTER_COLUMNS) {
    const value = filters[field];
    if (value !== undefined) conditions.push(`${column} = ${param(value)}`);
  }

  const reversed = page.before !== undefined;
  const position: PagePosition | undefined = page.before ?? page.after;
  const keys = search === undefined ? ['o.created_at', 'o.id'] : [rank, 'o.created_at', 'o.id'];
  if (position) {
    const values = [
      ...(search === undefined ? [] : [param(position.rank ?? 0, '::float4')]),
      param(position.createdAt, '::timestamptz'),
      param(position.id, '::uuid'),
    ];
    // Listing order is descending on every key: "after" means smaller, "before" larger.
    conditions.push(`(${keys.join(', ')}) ${reversed ? '>' : '<'} (${values.join(', ')})`);
  }

  const direction = reversed ? 'asc' : 'desc';
  const orderBy = (search === undefined ? keys : ['rank', ...keys.slice(1)]).map((key) => `${key} ${direction}`);
  const where = conditions.length > 0 ? `where ${conditions.join(' and ')}` : '';
  const limit = param(page.limit + 1);
  const select = search === undefined ? OPPORTUNITY_COLUMNS : `${OPPORTUNITY_COLUMNS}, ${rank} as rank`;
  return {
    sql: `select ${select} from opportunity o ${where} order by ${orderBy.join(', ')} limit ${limit}`,
    params,
    reversed,
  };
}
