import { type Kysely, sql } from 'kysely';
import type { OpportunityFilters, PageRequest } from '../../domain/opportunity/opportunity-repository.port.js';
import { type Direction, FILTER_COLUMNS, type PageParams, shapeKey } from './opportunity-statements.js';
import { OPPORTUNITY_COLUMNS, type OpportunityDatabase } from './opportunity-row.js';
import { prepare, type PreparedStatement } from './prepared-statement.js';

export interface SearchParams extends PageParams {
  readonly text: string;
  readonly positionRank?: number;
}

/**
 * Full-text search as one statement per shape: matches of `websearch_to_tsquery` on the generated
 * `search_vector`, ranked by `ts_rank` (title A, tags B, description C), then newest first; keyset
 * pages continue from (rank, created_at, id). Kept apart so the search ranking can be replaced
 * without touching the listing statements.
 */
export class SearchStatements {
  private readonly shapes = new Map<number, PreparedStatement<SearchParams>>();

  constructor(private readonly db: Kysely<OpportunityDatabase>) {}

  search(filters: OpportunityFilters, direction: Direction): PreparedStatement<SearchParams> {
    const key = shapeKey(filters, direction);
    let statement = this.shapes.get(key);
    if (!statement) {
      statement = prepare<SearchParams>((param) =>
        this.db
          .selectFrom('opportunity as o')
          .select(({ ref }) => {
            const query = sql`websearch_to_tsquery('english', ${param('text')})`;
            return [
              ...OPPORTUNITY_COLUMNS,
              sql<number>`ts_rank(${ref('o.search_vector')}, ${query})::float4`.as('rank'),
            ];
          })
          .where(
            ({ ref }) => sql<boolean>`${ref('o.search_vector')} @@ websearch_to_tsquery('english', ${param('text')})`,
          )
          .$call((query) => {
            let filtered = query;
            for (const [field, column] of FILTER_COLUMNS) {
              if (filters[field] !== undefined) filtered = filtered.where(column, '=', param(field) as string);
            }
            if (direction === 'first') return filtered;
            // Listing order is descending on every key: "after" means smaller, "before" larger.
            const comparison = direction === 'after' ? sql`<` : sql`>`;
            return filtered.where(
              ({ ref }) =>
                sql<boolean>`(ts_rank(${ref('o.search_vector')}, websearch_to_tsquery('english', ${param('text')}))::float4, ${ref('o.created_at')}, ${ref('o.id')}) ${comparison} (${param('positionRank')}::float4, ${param('positionCreatedAt')}::timestamptz, ${param('positionId')}::uuid)`,
            );
          })
          .orderBy('rank', direction === 'before' ? 'asc' : 'desc')
          .orderBy('o.created_at', direction === 'before' ? 'asc' : 'desc')
          .orderBy('o.id', direction === 'before' ? 'asc' : 'desc')
          .limit(param('limit')),
      );
      this.shapes.set(key, statement);
    }
    return statement;
  }
}

export function searchParams(text: string, filters: OpportunityFilters, page: PageRequest): SearchParams {
  const position = page.before ?? page.after;
  return {
    text,
    category: filters.category,
    status: filters.status,
    createdBy: filters.createdBy,
    positionRank: position?.rank ?? 0,
    positionCreatedAt: position?.createdAt,
    positionId: position?.id,
    limit: page.limit + 1,
  };
}
