import type { Kysely, QueryCreator } from 'kysely';
import type { Param } from '../prepared-statement.js';
import type { SearchDatabase } from './search-database.js';
import type { SearchParams } from './search-parameters.js';
import { withQueries } from './search-queries.js';
import { olderOfTier, recentOfTier, withRecent } from './search-tiers.js';

/**
 * The rows a search ranks. Candidates come in tiers (every clause in the title; every clause
 * anywhere; some clause anywhere), each first from the newest rows, then from a GIN index for
 * older rows; an index tier reads at most the scan budget of index matches and every tier keeps
 * at most the candidate cap of rows passing the filters, and the tiers stop as soon as the cap's
 * candidates are found (an Append under a LIMIT runs its branches lazily).
 */
export function withCandidates(db: Kysely<SearchDatabase>, param: Param<SearchParams>, window: number) {
  return withRecent(withQueries(db, param), param, window)
    .with('recent1', recentOfTier(1, param))
    .with('tier1', olderOfTier(1, param))
    .with('recent2', recentOfTier(2, param))
    .with('tier2', olderOfTier(2, param))
    .with('recent3', recentOfTier(3, param))
    .with('tier3', olderOfTier(3, param))
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
