import { MikroORM } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import { mikroOrmOptions } from '../../../../src/adapters/postgres/schema/mikro-orm-options.js';
import { bind } from '../../../../src/adapters/postgres/sql/prepared-statement.js';
import { RoutedQueries } from '../../../../src/adapters/postgres/read-routing/routed-queries.js';
import { PostgresOpportunityRepository } from '../../../../src/adapters/postgres/opportunities/postgres-opportunity-repository.js';
import { type SearchLimits } from '../../../../src/adapters/postgres/search/postgres-opportunity-search.js';
import type { SearchDatabase } from '../../../../src/adapters/postgres/schema/database-tables.js';
import { searchParameters } from '../../../../src/adapters/postgres/search/query/search-parameters.js';
import { searchStatement } from '../../../../src/adapters/postgres/search/ranked/search-statement.js';
import { NO_EXPANSIONS, queryTexts } from '../../../../src/adapters/postgres/search/query/tsquery-text.js';
import { parseSearchQuery } from '../../../../src/domain/opportunity/search/search-query.js';
import { anOpportunity } from '../../../support/builders.js';
import { testDatabaseUrl } from '../../../support/test-database.js';
import { findSubplan, type PlanNode } from '../../../support/query-plan.js';

/** A window of 40 newest rows, a cap that a handful of matches overflows. */
const LIMITS: SearchLimits = {
  recentWindow: 40,
  titleWalk: 2_000,
  full: { candidates: 4, scanBudget: 10 },
  suggest: { candidates: 2, scanBudget: 4 },
};

/**
 * The newest rows are read only when the tiers overflow the cap, and then only the rows of some
 * tier stay in the statement's memory: holding every vector of the window made PostgreSQL allocate
 * and hand back megabytes per execution (page faults that doubled the CPU of two-word queries).
 */
describe('Search: what the recent window keeps (PostgreSQL)', () => {
  let orm: MikroORM;
  const rows = (sql: string) => orm.em.getConnection().execute(sql);

  before(async () => {
    orm = await MikroORM.init(mikroOrmOptions({ url: await testDatabaseUrl() }));
    await rows('truncate opportunity, search_vocabulary, search_vocabulary_variant, search_title_posting');
    const repository = new PostgresOpportunityRepository(orm);
    // 60 rows, one in ten with both words in its title: 6 matches overflow the cap of 4, and the
    // newest 40 rows (the window) hold 4 of them.
    for (let i = 0; i < 60; i++) {
      const title = i % 10 === 0 ? `Beekeeper mentor ${i}` : `Dog walker ${i}`;
      await repository.add(anOpportunity({ title, minutesAgo: i }));
    }
  });
  after(async () => {
    await rows('truncate opportunity, search_vocabulary, search_vocabulary_variant, search_title_posting');
    await orm.close();
  });

  it('holds only the matching rows of the window, not all of it', async () => {
    const db = orm.em.fork().getKysely<SearchDatabase>();
    const statement = searchStatement(db, 'forward', LIMITS.recentWindow);
    const request = {
      query: parseSearchQuery('beekeeper mentor '),
      filters: {},
      page: { limit: 2 },
      mode: 'full' as const,
    };
    const bound = bind(statement, searchParameters(request, queryTexts(request.query, NO_EXPANSIONS), LIMITS));
    const [explained] = await new RoutedQueries(orm).read<{ 'QUERY PLAN': { Plan: PlanNode }[] }>({
      ...bound,
      name: 'explain_search_recent_window',
      text: `explain (analyze, format json) ${bound.text}`,
    });
    const plan = explained?.['QUERY PLAN'][0]?.Plan as PlanNode;
    const recent = findSubplan(plan, 'CTE recent');
    expect(recent, 'the plan has the recent window').to.not.equal(undefined);
    // Read (the tiers overflow the cap), and holding only the window's 4 matches (titles 0, 10, 20,
    // 30), none of its other rows.
    expect(recent?.['Actual Rows']).to.equal(4);
  });
});
