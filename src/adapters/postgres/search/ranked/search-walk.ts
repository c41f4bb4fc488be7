import { type Expression, expressionBuilder, type RawBuilder, sql, type SqlBool } from 'kysely';
import type { Param } from '../../sql/prepared-statement.js';
import type { SearchParams } from '../query/search-parameters.js';
import type { QueriesDatabase, WithQueries } from './search-queries.js';
import { analyzedRows, estimatedMatches, walkCheaper } from '../../schema/search-estimate.routine.js';

/**
 * How many of the newest rows a walked tier reads at most. A GIN index answers a word by building
 * the bitmap of every row holding it before any LIMIT applies: for words in most rows that grows
 * with the table (800,000 entries for "people help" at a million rows). Reading the newest rows in
 * time order and testing each stops as soon as the candidates are found, whatever the table's
 * size: about 1.25 × the cap for such words.
 */
export const WALK_ROWS = 5_000;

/**
 * The planner's estimates of the query's matches (opportunity_search_estimate, from the statistics
 * of `search_vector`), and the table's size; computed once, and only when a tier 2 or 3 is read.
 * - `rarest`: the rarest clause's matches, about what the GIN index reads for every clause
 *   together (its scan skips through the other clauses' posting lists);
 * - `every` and `some`: rows matching every clause, some clause (the `some` query is an OR: the
 *   index reads all its words' entries).
 */
export function withWalks(qc: WithQueries, param: Param<SearchParams>, walkRows: number) {
  return qc
    .with(
      (cte) => cte('estimates').materialized(),
      (creator) =>
        creator
          .selectFrom(
            creator
              .selectFrom('clauses as c')
              .select(({ fn }) => [
                sql<number | null>`min(${estimatedMatches(sql.ref('c.any_q'))})`.as('rarest'),
                fn.countAll<number>().as('clauses'),
              ])
              .as('r'),
          )
          // One clause is every clause and some clause: one estimate, not three (a rare word's
          // whole search costs ~1.6 ms; three plannings ~0.3 ms).
          .select(({ eb, ref }) => {
            const unlessOneClause = (estimate: Expression<number | null>) =>
              eb.case().when(ref('r.clauses'), '=', sql.lit(1)).then(ref('r.rarest')).else(estimate).end();
            return [
              analyzedRows.as('n'),
              'r.rarest',
              unlessOneClause(estimatedMatches(sql`(select all_q from queries)`)).as('every'),
              unlessOneClause(estimatedMatches(sql`(select some_q from queries)`)).as('some'),
            ];
          }),
    )
    .with(
      (cte) => cte('walks').materialized(),
      (creator) =>
        creator
          .selectFrom('estimates as e')
          .select(() => [
            walkPays(sql.ref('e.rarest'), sql.ref('e.every'), param, walkRows).as('tier2'),
            walkPays(sql.ref('e.some'), sql.ref('e.some'), param, walkRows).as('tier3'),
          ]),
    );
}

/**
 * Whether walking costs less than the tier's GIN index: the walk reads rows until the cap's
 * candidates are found (the cap ÷ the tier's share of the table), at most `walkRows`.
 */
function walkPays(
  indexEntries: Expression<number | null>,
  tierRows: Expression<number | null>,
  param: Param<SearchParams>,
  walkRows: number,
): RawBuilder<SqlBool> {
  const cap = sql`${param('candidateCap')}::float8`;
  const rowsToWalk = sql<number>`least(${sql.lit(walkRows)}, ${cap} * e.n / greatest(${tierRows}, 1))`;
  return walkCheaper(sql.ref('e.n'), indexEntries, rowsToWalk, walkRows);
}

export type WalkedTier = 2 | 3;
type WalksDatabase = QueriesDatabase & { walks: { tier2: SqlBool; tier3: SqlBool } };
const walks = expressionBuilder<WalksDatabase, never>();

/** Whether the tier is read by walking the newest rows (a scalar: a one-time filter in the plan). */
export function walked(tier: WalkedTier): Expression<SqlBool> {
  return walks.selectFrom('walks').select(`tier${tier}`).$asScalar();
}
