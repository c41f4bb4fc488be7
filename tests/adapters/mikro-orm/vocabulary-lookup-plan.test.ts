import { MikroORM } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import { mikroOrmOptions } from '../../../src/adapters/mikro-orm/mikro-orm-options.js';
import { bind } from '../../../src/adapters/mikro-orm/prepared-statement.js';
import { RoutedQueries } from '../../../src/adapters/mikro-orm/routed-queries.js';
import type { SearchDatabase } from '../../../src/adapters/mikro-orm/search/search-database.js';
import { vocabularyStatement } from '../../../src/adapters/mikro-orm/search/vocabulary-statement.js';
import { testDatabaseUrl } from '../../support/test-database.js';

interface PlanNode {
  readonly 'Index Name'?: string;
  readonly 'Index Cond'?: string;
  readonly 'Order By'?: string;
  readonly Plans?: PlanNode[];
}

function nodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodes)];
}

/**
 * A vocabulary the size of a real corpus' (the bench seed has a few hundred words): whether a
 * word is known must come from the primary key. PostgreSQL can answer `=` from the trigram index
 * as well and, at a similar estimated cost, picked it: 3.6 ms and 542 pages per look-up at 300,000
 * words, against a few microseconds.
 */
describe('Search vocabulary look-up plan on a large vocabulary (PostgreSQL)', () => {
  let orm: MikroORM;
  const run = (sql: string) => orm.em.getConnection().execute(sql);

  before(async () => {
    orm = await MikroORM.init(mikroOrmOptions({ url: await testDatabaseUrl() }));
    await run('truncate opportunity, search_vocabulary, search_title_posting');
    // 100,000 distinct made-up words of 4 to 12 letters, and the one looked up.
    await run(`insert into search_vocabulary
      select string_agg(chr(97 + (g * 7919 + c * 104729 + c * c * g) % 26), '' order by c)
      from generate_series(1, 100000) g, lateral generate_series(1, 4 + g % 9) c
      group by g on conflict do nothing`);
    await run(`insert into search_vocabulary values ('sommelier') on conflict do nothing`);
    await run('analyze search_vocabulary');
  });
  after(async () => {
    await run('truncate search_vocabulary');
    await orm.close();
  });

  it('tells a known word by the primary key, and uses the trigram index only to order near words', async () => {
    const db = orm.em.fork().getKysely<SearchDatabase>();
    const bound = bind(vocabularyStatement(db), { words: ['sommelier'], complete: [true], correct: [true] });
    const [explained] = await new RoutedQueries(orm).read<{ 'QUERY PLAN': { Plan: PlanNode }[] }>({
      ...bound,
      name: 'explain_search_vocabulary',
      text: `explain (format json) ${bound.text}`,
    });
    const plan = nodes(explained?.['QUERY PLAN'][0]?.Plan as PlanNode);
    const trigram = plan.filter((node) => node['Index Name'] === 'search_vocabulary_trgm_idx');
    expect(trigram.map((node) => node['Index Cond'])).to.deep.equal([undefined]);
    expect(trigram[0]?.['Order By']).to.match(/<->/);
    const primaryKey = plan.filter((node) => node['Index Name'] === 'search_vocabulary_pkey');
    // The known check (twice: the answer, and before looking for corrections) and the completions.
    expect(primaryKey).to.have.length(3);
  });
});
