import { Routine } from '@mikro-orm/core';
import { type Expression, type RawBuilder, sql, type SqlBool } from 'kysely';

/**
 * How many rows PostgreSQL's planner estimates match a tsquery, or null when `opportunity` was
 * never analyzed. The search asks it once per request to choose, per tier, between its GIN index
 * and a walk of the newest rows (ranked/search-walk.ts): the estimate comes from the statistics
 * ANALYZE keeps of `search_vector` (its most common lexemes and their frequencies), through the
 * planner's own selectivity of `@@`, which already handles `&`, `|`, `!`, phrases and prefixes. The
 * query is planned with its text as a constant (about 0.1 ms), never executed. Volatile because
 * it runs a statement: it is called once per execution, in a CTE.
 */
export const OpportunitySearchEstimate = new Routine({
  name: 'opportunity_search_estimate',
  type: 'function',
  language: 'plpgsql',
  deterministic: false,
  params: { query: { type: 'tsquery' } },
  returns: { runtimeType: 'number', columnType: 'float8' },
  body: `declare
  plan json;
begin
  if query is null or numnode(query) = 0
    or (select c.reltuples < 0 from pg_class c where c.oid = 'opportunity'::regclass) then
    return null;
  end if;
  execute format('explain (format json) select 1 from opportunity where search_vector @@ %L::tsquery', query)
    into plan;
  return (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float8;
end`,
});

/**
 * What a walked row costs against one GIN entry: at a million rows on PostgreSQL 15, a walk of 626
 * newest rows took 0.28–0.39 ms (~0.5 µs a row) and the bitmap of "people & help", 800,000 matches,
 * 61–64 ms (~0.08 µs a match); commands in docs/near-and-facets.md, "Measured".
 */
export const WALKED_ROW_COST = 8;

/** The table's rows as the statistics say (0 when never analyzed). */
export const analyzedRows = sql<number>`(select greatest(c.reltuples, 0)::float8 from pg_class c where c.oid = 'opportunity'::regclass)`;

export const estimatedMatches = (query: Expression<unknown>) =>
  sql<number | null>`opportunity_search_estimate(${query})`;

/**
 * Whether walking the newest rows in time order costs less than a GIN index, which reads
 * `indexEntries` posting-list entries before any LIMIT applies; the walk reads `rowsToWalk` rows.
 * False when the table fits in the walk or has no statistics (a null estimate).
 */
export function walkCheaper(
  tableRows: Expression<number>,
  indexEntries: Expression<number | null>,
  rowsToWalk: Expression<number>,
  walkRows: number,
): RawBuilder<SqlBool> {
  return sql<SqlBool>`coalesce(${tableRows} > ${sql.lit(walkRows)} and ${indexEntries} >= ${sql.lit(WALKED_ROW_COST)} * ${rowsToWalk}, false)`;
}
