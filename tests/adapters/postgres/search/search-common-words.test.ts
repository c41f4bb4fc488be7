import { MikroORM } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import { mikroOrmOptions } from '../../../../src/adapters/postgres/schema/mikro-orm-options.js';
import { bind } from '../../../../src/adapters/postgres/sql/prepared-statement.js';
import { RoutedQueries } from '../../../../src/adapters/postgres/read-routing/routed-queries.js';
import {
  PostgresOpportunitySearch,
  type SearchLimits,
} from '../../../../src/adapters/postgres/search/postgres-opportunity-search.js';
import type { SearchDatabase } from '../../../../src/adapters/postgres/schema/database-tables.js';
import { searchParameters } from '../../../../src/adapters/postgres/search/query/search-parameters.js';
import { searchStatement } from '../../../../src/adapters/postgres/search/ranked/search-statement.js';
import { NO_EXPANSIONS, queryTexts } from '../../../../src/adapters/postgres/search/query/tsquery-text.js';
import type { SearchRequest } from '../../../../src/domain/opportunity/search/opportunity-search.port.js';
import { parseSearchQuery } from '../../../../src/domain/opportunity/search/search-query.js';
import { testDatabaseUrl } from '../../../support/test-database.js';
import type { PlanNode } from '../../../support/query-plan.js';

/**
 * The table at a small scale: 300 rows, walks of 50 rows (facets: 100), a cap of 10 candidates.
 * "people" and "help" are in 9 descriptions of 10 and in no title, as words in most descriptions
 * are; "sommelier" is in the oldest row only. The newest 100 rows are `events`, the rest
 * `education`, so counts from the newest rows and counts from the table's order differ.
 */
const LIMITS: SearchLimits = {
  recentWindow: 40,
  titleWalk: 2_000,
  walkRows: 50,
  facetWalkRows: 100,
  facetBound: 20,
  full: { candidates: 10, scanBudget: 100 },
  suggest: { candidates: 2, scanBudget: 4 },
};
const ROWS = 300;

/** How many times the plan's scans of an index ran (0: never executed). */
function loopsOn(node: PlanNode, index: string): number {
  const own = node['Index Name'] === index ? (node['Actual Loops'] ?? 0) : 0;
  return (node.Plans ?? []).reduce((sum, child) => sum + loopsOn(child, index), own);
}

const request = (q: string, extra: Partial<SearchRequest> = {}): SearchRequest => ({
  query: parseSearchQuery(q),
  filters: {},
  page: { limit: 10 },
  mode: 'full',
  ...extra,
});

/**
 * Words in most rows: a GIN index builds the bitmap of all their rows before any limit, so such a
 * search grew with the table (800,000 entries at a million rows). The search reads the newest rows
 * in time order instead when the planner's statistics say that costs less (search-walk.ts).
 */
describe('Search: words in most rows are read from the newest rows (PostgreSQL)', () => {
  let orm: MikroORM;
  let search: PostgresOpportunitySearch;
  const execute = (sql: string) => orm.em.getConnection().execute(sql);

  before(async () => {
    orm = await MikroORM.init(mikroOrmOptions({ url: await testDatabaseUrl() }));
    await execute('truncate opportunity, search_vocabulary, search_vocabulary_variant, search_title_posting');
    await execute(`insert into opportunity
        (id, title, description, category, location, tags, status, created_by, created_at, updated_at, version)
      select gen_random_uuid(), 'Garden volunteer ' || g,
        case when g = 1 then 'A sommelier needs people to taste wine.'
             when g % 10 = 0 then 'Quiet work in the archive.'
             else 'We need people to help with the garden.' end,
        case when g > ${ROWS - 100} then 'events' else 'education' end,
        'Lyon', array['team'], 'open', '1',
        timestamptz '2026-01-01' + g * interval '1 minute', timestamptz '2026-01-01' + g * interval '1 minute', 1
      from generate_series(1, ${ROWS}) as g`);
    // The statistics the walk's choice reads, as autovacuum keeps them.
    await execute('analyze opportunity');
    search = new PostgresOpportunitySearch(orm, LIMITS);
  });
  after(async () => {
    await execute('truncate opportunity, search_vocabulary, search_vocabulary_variant, search_title_posting');
    await orm.close();
  });

  async function plan(q: string): Promise<PlanNode> {
    const db = orm.em.fork().getKysely<SearchDatabase>();
    const statement = searchStatement(db, 'forward', LIMITS.recentWindow, LIMITS.walkRows);
    const searched = request(q);
    const bound = bind(statement, searchParameters(searched, queryTexts(searched.query, NO_EXPANSIONS), LIMITS));
    const [explained] = await new RoutedQueries(orm).read<{ 'QUERY PLAN': { Plan: PlanNode }[] }>({
      ...bound,
      name: `explain_common_words_${q.replaceAll(' ', '_')}`,
      text: `explain (analyze, format json) ${bound.text}`,
    });
    return explained?.['QUERY PLAN'][0]?.Plan as PlanNode;
  }

  it('walks the newest rows for words in most descriptions, never reading their GIN index', async () => {
    const explained = await plan('people help ');
    expect(loopsOn(explained, 'opportunity_search_idx'), 'GIN scans run').to.equal(0);
    expect(loopsOn(explained, 'opportunity_created_idx'), 'time-ordered walks run').to.be.greaterThan(0);
  });

  it('answers them with the newest matches, in order', async () => {
    const found = await search.search(request('people help '));
    const times = found.items.map((hit) => hit.opportunity.createdAt.getTime());
    // Rows 300 down to 289, less the archive rows (290, 300) that lack the words.
    const expected = [299, 298, 297, 296, 295, 294, 293, 292, 291, 289].map(
      (g) => Date.parse('2026-01-01T00:00:00Z') + g * 60_000,
    );
    expect(times).to.deep.equal(expected);
  });

  it('still reads the GIN index for a rare word, and finds its oldest row beside a common word', async () => {
    const explained = await plan('sommelier people ');
    expect(loopsOn(explained, 'opportunity_search_idx'), 'GIN scans run').to.be.greaterThan(0);
    const found = await search.search(request('sommelier people '));
    expect(found.items[0]?.opportunity.description).to.equal('A sommelier needs people to taste wine.');
  });

  it('counts facets of a common word over the newest matching rows, marked not exact', async () => {
    const found = await search.search(request('help ', { facets: ['category'] }));
    const bound = LIMITS.facetBound as number;
    // The bound + 1 newest rows holding "help": all of them `events`, none of the older `education`.
    expect(found.facets?.counts.category).to.deep.equal({ events: bound + 1 });
    expect(found.facets?.exact).to.equal(false);
  });

  it('counts facets of a rare word exactly, through its index', async () => {
    const found = await search.search(request('sommelier ', { facets: ['category'] }));
    expect(found.facets).to.deep.equal({ counts: { category: { education: 1 } }, exact: true });
  });
});
