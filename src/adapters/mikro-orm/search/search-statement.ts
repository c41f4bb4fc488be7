import { type Expression, type Kysely, type RawBuilder, sql } from 'kysely';
import { OPPORTUNITY_COLUMNS } from '../opportunity-row.js';
import { prepare, type PreparedStatement } from '../prepared-statement.js';
import { withCandidates } from './search-candidates.js';
import type { SearchDatabase } from './search-database.js';
import type { SearchParams } from './search-parameters.js';
import { type Direction, withPage } from './search-scoring.js';
import { CONFIG, type TsQuery } from './text-search.js';

/** Marks around matched words in ts_headline output; user text is cleaned of them first. */
export const MARK_START = '\u0001';
export const MARK_END = '\u0002';
// HighlightAll keeps the text exactly as written (fragment mode drops markup-like tokens and
// punctuation); the description snippet is cut from the runs afterwards.
const HEADLINE_OPTIONS = `HighlightAll=true, StartSel=${MARK_START}, StopSel=${MARK_END}`;

function headline(text: Expression<string>, query: Expression<TsQuery>): RawBuilder<string> {
  const cleaned = sql`translate(${text}, ${sql.lit(MARK_START + MARK_END)}, '')`;
  return sql<string>`ts_headline(${CONFIG}, ${cleaned}, ${query}, ${sql.lit(HEADLINE_OPTIONS)})`;
}

/**
 * The search statement. Its cost is bounded by design (see search-candidates.ts): only the
 * candidates are scored and sorted, and only the page's rows get highlights. The shape is fixed
 * per paging direction, so it is compiled once and runs as a prepared statement; the tsqueries
 * are computed once per execution in materialised CTEs, never per row.
 */
export function searchStatement(
  db: Kysely<SearchDatabase>,
  direction: Direction,
  window: number,
): PreparedStatement<SearchParams> {
  const order = direction === 'forward' ? 'desc' : 'asc';
  return prepare<SearchParams>(
    (param) =>
      withPage(withCandidates(db, param, window), param, direction)
        .selectFrom('page as p')
        .innerJoin('opportunity as o', 'o.id', 'p.id')
        .select(OPPORTUNITY_COLUMNS)
        .select(({ ref, selectFrom }) => {
          const some = selectFrom('queries').select('some_q').$asScalar();
          return [
            ref('p.score').as('rank'),
            'p.typos',
            headline(ref('o.title'), some).as('title_marks'),
            headline(ref('o.description'), some).as('description_marks'),
          ];
        })
        .orderBy('p.score', order)
        .orderBy('p.created_at', order)
        .orderBy('p.id', order),
    `search_${direction}`,
  );
}
