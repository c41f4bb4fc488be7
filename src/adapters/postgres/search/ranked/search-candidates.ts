import type { Kysely, QueryCreator } from 'kysely';
import type { Param } from '../../sql/prepared-statement.js';
import type { SearchDatabase } from '../../schema/database-tables.js';
import type { SearchParams } from '../query/search-parameters.js';
import { withQueries } from './search-queries.js';
import { allOfTier, olderOfTier, overflowOf, recentOfTier, withRecent } from './search-tiers.js';
import { withWalks } from './search-walk.js';

/**
 * The rows a search ranks. Candidates come in tiers (every clause in the title; every clause
 * anywhere; some clause anywhere), each from an index (the title tier of a one-clause query from
 * the title postings, newest first; otherwise GIN indexes); an index tier reads at most the scan
 * budget of index matches and every tier keeps at most the candidate cap of rows passing the
 * filters. Only when the tiers so far overflow the cap are a tier's rows among the newest taken
 * first. The tiers stop as soon as the cap's candidates are found (an Append under a LIMIT runs its
 * branches lazily, and a materialised CTE is computed only when read).
 */
export function withCandidates(
  db: Kysely<SearchDatabase>,
  param: Param<SearchParams>,
  shape: { readonly window: number; readonly walkRows: number },
) {
  return withRecent(withWalks(withQueries(db, param), param, shape.walkRows), param, shape.window)
    .with((cte) => cte('tier1_all').materialized(), allOfTier(1, param, shape.walkRows))
    .with('overflow1', (qc) => qc.selectNoFrom(overflowOf(1, param).as('yes')))
    .with((cte) => cte('tier2_all').materialized(), allOfTier(2, param, shape.walkRows))
    .with('overflow2', (qc) => qc.selectNoFrom(overflowOf(2, param).as('yes')))
    .with((cte) => cte('tier3_all').materialized(), allOfTier(3, param, shape.walkRows))
    .with('overflow3', (qc) => qc.selectNoFrom(overflowOf(3, param).as('yes')))
    .with('recent1', recentOfTier(1, param))
    .with('tier1', olderOfTier(1))
    .with('recent2', recentOfTier(2, param))
    .with('tier2', olderOfTier(2))
    .with('recent3', recentOfTier(3, param))
    .with('tier3', olderOfTier(3))
    .with('candidates', (qc) =>
      qc
        .selectFrom('recent1')
        .selectAll()
        .unionAll(qc.selectFrom('tier1').selectAll())
        .unionAll(qc.selectFrom('recent2').selectAll())
        .unionAll(qc.selectFrom('tier2').selectAll())
        .unionAll(qc.selectFrom('recent3').selectAll())
        .unionAll(qc.selectFrom('tier3').selectAll())
        .limit(param('candidateCap')),
    );
}

export type WithCandidates = ReturnType<typeof withCandidates>;
export type CandidatesDatabase = WithCandidates extends QueryCreator<infer DB> ? DB : never;
