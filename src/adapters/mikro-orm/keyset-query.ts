import type {
  OpportunityFilters,
  PagePosition,
  PageRequest,
} from '../../domain/opportunity/opportunity-repository.port.js';

export interface KeysetQuery {
  readonly sql: string;
  readonly params: unknown[];
  /** True when rows come back in reverse listing order (walking backwards). */
  readonly reversed: boolean;
}

const TS_QUERY = "websearch_to_tsquery('english', ?)";
const RANK = `ts_rank(o.search_vector, ${TS_QUERY})`;

/**
 * Builds one keyset-paginated statement over `opportunity o`: filters, the position comparison as
 * a row-value condition (so PostgreSQL walks the (…, created_at, id) index instead of skipping
 * rows), the order, and a LIMIT of one more row than the page to detect further pages.
 */
export function keysetQuery(spec: {
  select: string;
  filters: OpportunityFilters;
  page: PageRequest;
  search?: string;
}): KeysetQuery {
  const { filters, page, search } = spec;
  const conditions: string[] = [];
  const params: unknown[] = [];
  const keys = search === undefined ? ['o.created_at', 'o.id'] : [RANK, 'o.created_at', 'o.id'];
  const selectRank = search === undefined ? '' : `, ${RANK}::float4 as rank`;
  if (search !== undefined) params.push(search);

  if (search !== undefined) {
    conditions.push(`o.search_vector @@ ${TS_QUERY}`);
    params.push(search);
  }
  const filterColumns: [keyof OpportunityFilters, string][] = [
    ['category', 'o.category'],
    ['status', 'o.status'],
    ['createdBy', 'o.created_by'],
  ];
  for (const [field, column] of filterColumns) {
    const value = filters[field];
    if (value !== undefined) {
      conditions.push(`${column} = ?`);
      params.push(value);
    }
  }

  const reversed = page.before !== undefined;
  const position = page.before ?? page.after;
  if (position) {
    const values = positionValues(position, search !== undefined);
    // Listing order is descending on every key: "after" means smaller, "before" larger.
    const keyList = keys.map((key) => (key === RANK ? `${RANK}::float4` : key)).join(', ');
    conditions.push(`(${keyList}) ${reversed ? '>' : '<'} (${values.placeholders})`);
    if (search !== undefined) params.push(search);
    params.push(...values.params);
  }

  const direction = reversed ? 'asc' : 'desc';
  const orderBy = keys.map((key) => `${key === RANK ? 'rank' : key} ${direction}`).join(', ');
  const where = conditions.length > 0 ? `where ${conditions.join(' and ')}` : '';
  params.push(page.limit + 1);
  return {
    sql: `select ${spec.select}${selectRank} from opportunity o ${where} order by ${orderBy} limit ?`,
    params,
    reversed,
  };
}

function positionValues(position: PagePosition, ranked: boolean): { placeholders: string; params: unknown[] } {
  if (!ranked) return { placeholders: '?::timestamptz, ?::uuid', params: [position.createdAt, position.id] };
  return {
    placeholders: '?::float4, ?::timestamptz, ?::uuid',
    params: [position.rank ?? 0, position.createdAt, position.id],
  };
}
