import { type Kysely, sql } from 'kysely';
import { OPPORTUNITY_COLUMNS } from '../../opportunities/opportunity-row.js';
import { prepare, type PreparedStatement } from '../../sql/prepared-statement.js';
import { withCandidates } from './search-candidates.js';
import { nearPoint } from './search-filters.js';
import { WALK_ROWS } from './search-walk.js';
import type { SearchDatabase } from '../../schema/database-tables.js';
import type { SearchParams } from '../query/search-parameters.js';
import { type Direction, withPage } from './search-scoring.js';
import { lexemesOf } from '../query/text-search.js';

/**
 * The search statement. Its cost is bounded by design (see search-candidates.ts): only the
 * candidates are scored and sorted; the page's rows carry the query's lexemes, from which the
 * service marks the words (highlight-runs.ts). The shape is fixed per paging direction, so it is
 * compiled once and runs as a prepared statement; the tsqueries are computed once per execution in
 * materialised CTEs, never per row.
 */
export function searchStatement(
  db: Kysely<SearchDatabase>,
  direction: Direction,
  window: number,
  walkRows: number = WALK_ROWS,
): PreparedStatement<SearchParams> {
  const order = direction === 'forward' ? 'desc' : 'asc';
  return prepare<SearchParams>(
    (param) =>
      withPage(withCandidates(db, param, { window, walkRows }), param, direction)
        .selectFrom('page as p')
        .innerJoin('opportunity as o', 'o.id', 'p.id')
        .select(OPPORTUNITY_COLUMNS)
        .select(({ ref, selectFrom }) => {
          const some = selectFrom('queries').select('some_q').$asScalar();
          return [
            ref('p.score').as('rank'),
            'p.typos',
            lexemesOf(some).as('lexemes'),
            // Null unless the search is near a point.
            sql<number | null>`(o.earth_position <-> ${nearPoint(param)})`.as('distance_key'),
          ];
        })
        .orderBy('p.score', order)
        .orderBy('p.created_at', order)
        .orderBy('p.id', order),
    `search_${direction}`,
  );
}
