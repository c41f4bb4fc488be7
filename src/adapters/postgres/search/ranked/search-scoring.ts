import { sql } from 'kysely';
import type { Param } from '../../sql/prepared-statement.js';
import type { WithCandidates } from './search-candidates.js';
import type { SearchParams } from '../query/search-parameters.js';
import { doesNotMatch, matches } from '../query/text-search.js';

/** Scores: clauses matched dominate, then corrected typos, then where the words were found. */
export const SCORE = { clause: 100_000, typo: 1_000, title: 10, tags: 3 } as const;

export type Direction = 'forward' | 'backward';

/**
 * Only the candidates are scored (each against every clause that has words left after stop
 * words) and sorted; the page is the cursor's next rows in the paging direction.
 */
export function withPage(qc: WithCandidates, param: Param<SearchParams>, direction: Direction) {
  const order = direction === 'forward' ? 'desc' : 'asc';
  return qc
    .with('scored', (creator) =>
      creator
        .selectFrom('candidates as c')
        .crossJoinLateral((eb) =>
          eb
            .selectFrom('clauses as k')
            .select(({ eb, fn, cast, ref }) => {
              const vector = ref('c.search_vector');
              const anyMatch = matches(vector, ref('k.any_q'));
              const exactMatch = matches(vector, ref('k.exact_q'));
              const clauseScore = eb
                .case()
                .when(doesNotMatch(vector, ref('k.any_q')))
                .then(sql.lit<number>(0))
                .else(
                  eb(
                    eb(
                      sql.lit<number>(SCORE.clause),
                      '-',
                      eb.case().when(exactMatch).then(sql.lit<number>(0)).else(sql.lit(SCORE.typo)).end(),
                    ),
                    '+',
                    eb
                      .case()
                      .when(matches(vector, ref('k.title_q')))
                      .then(sql.lit<number>(SCORE.title))
                      .when(matches(vector, ref('k.tags_q')))
                      .then(sql.lit(SCORE.tags))
                      .else(sql.lit(0))
                      .end(),
                  ),
                )
                .end();
              return [
                cast<number>(fn.coalesce(fn.sum<number>(clauseScore), sql.lit(0)), 'float4').as('score'),
                cast<number>(
                  fn.countAll().filterWhere(eb.and([anyMatch, doesNotMatch(vector, ref('k.exact_q'))])),
                  'integer',
                ).as('typos'),
              ];
            })
            .where(({ eb, fn }) => eb(fn<number>('numnode', ['k.any_q']), '>', sql.lit(0)))
            .as('s'),
        )
        .select(['c.id', 'c.created_at', 's.score', 's.typos']),
    )
    .with('page', (creator) =>
      creator
        .selectFrom('scored')
        .selectAll()
        .where(({ eb, or, cast, val, refTuple, tuple }) => {
          const rank = cast<number | null>(val(param('positionRank')), 'float4');
          return or([
            eb(rank, 'is', null),
            eb(
              refTuple('score', 'created_at', 'id'),
              direction === 'forward' ? '<' : '>',
              tuple(
                cast<number>(val(param('positionRank')), 'float4'),
                cast<Date>(val(param('positionCreatedAt')), 'timestamptz'),
                cast<string>(val(param('positionId')), 'uuid'),
              ),
            ),
          ]);
        })
        .orderBy('score', order)
        .orderBy('created_at', order)
        .orderBy('id', order)
        .limit(param('limit')),
    );
}
