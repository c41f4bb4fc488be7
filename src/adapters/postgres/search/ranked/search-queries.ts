import { type Kysely, type QueryCreator, sql } from 'kysely';
import type { Param } from '../../sql/prepared-statement.js';
import type { SearchDatabase } from '../../schema/database-tables.js';
import type { SearchParams } from '../query/search-parameters.js';
import { arrayOf, toTsQuery, type TsQuery } from '../query/text-search.js';

const CLAUSE_TEXTS = ['any_text', 'exact_text', 'title_text', 'tags_text'] as const;
type ClauseTexts = Record<(typeof CLAUSE_TEXTS)[number], string>;

/**
 * The tsqueries, computed once per execution in materialised CTEs, never per row: the whole
 * query's (every clause, some clause, excluded words, every clause in titles) and each clause's
 * (as typed or corrected, as typed only, in titles, in tags).
 */
export function withQueries(db: Kysely<SearchDatabase>, param: Param<SearchParams>) {
  return db
    .with(
      (cte) => cte('queries').materialized(),
      (qc) =>
        qc.selectNoFrom((eb) => [
          toTsQuery(param('all')).as('all_q'),
          toTsQuery(param('some')).as('some_q'),
          eb
            .case()
            .when(eb.val(param('excluded')), '=', sql.lit(''))
            .then(sql<TsQuery | null>`null`)
            .else(toTsQuery(param('excluded')))
            .end()
            .as('excluded'),
          toTsQuery(param('allInTitles')).as('all_title_q'),
        ]),
    )
    .with(
      (cte) => cte('clauses').materialized(),
      (qc) =>
        qc
          .selectFrom(
            sql<ClauseTexts>`unnest(${arrayOf(param('anyTexts'), 'text')}, ${arrayOf(param('exactTexts'), 'text')}, ${arrayOf(param('titleTexts'), 'text')}, ${arrayOf(param('tagsTexts'), 'text')})`.as<'c'>(
              sql`c(${sql.join(CLAUSE_TEXTS.map((column) => sql.id(column)))})`,
            ),
          )
          .select((eb) => [
            toTsQuery(eb.ref('c.any_text')).as('any_q'),
            toTsQuery(eb.ref('c.exact_text')).as('exact_q'),
            toTsQuery(eb.ref('c.title_text')).as('title_q'),
            toTsQuery(eb.ref('c.tags_text')).as('tags_q'),
          ]),
    );
}

/** The tables the rest of the statement sees: the entities' and these CTEs. */
export type WithQueries = ReturnType<typeof withQueries>;
export type QueriesDatabase = WithQueries extends QueryCreator<infer DB> ? DB : never;
